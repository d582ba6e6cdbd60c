// SPDX-License-Identifier: Apache-2.0
/**
 * Issue 12, the UI side of `initialization`: a VM made in the New VM dialog with an initial run
 * (host name, user, password, SSH key) has it, checked out of band through the
 * REST API (the password only as oVirt's `******`, and never in the page); the VM page's
 * "Initial run" dialog edits it and keeps the stored password when its field is left empty.
 * No guest boots here (cloud-init-guests.test.ts boots real ones).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { startWebUi, type WebUi, webUiProblem } from './fixtures';
import { list } from './support/rest';
import { step } from './support/step';

const problem = webUiProblem();
if (problem) console.log(`[e2e] initial run UI tests skipped: ${problem}`);

const PASSWORD = 'Ui-S3cret-4471';
const KEY =
  'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl lab@aio';

interface RestVm {
  id: string;
  name: string;
  initialization?: {
    host_name?: string;
    user_name?: string;
    root_password?: string;
    authorized_ssh_keys?: string;
    nic_configurations?: { nic_configuration?: { name: string; boot_protocol?: string }[] };
  };
}

describe.skipIf(problem !== null)('web UI: initial run (cloud-init)', () => {
  let ui: WebUi;
  const vmName = (): string => `${ui.prefix}init`;

  beforeAll(async () => {
    ui = await startWebUi();
  }, 240_000);
  beforeEach(async () => {
    await ui.browser.page.reload();
  });
  afterAll(async () => {
    await ui?.close();
  }, 180_000);

  const restVm = async (): Promise<RestVm | undefined> =>
    list<RestVm>(await ui.rest.get('/vms'), 'vm').find((v) => v.name === vmName());

  it('New VM stores the initial run; the Initial run dialog edits it and keeps the password', async () => {
    const vms = await ui.shell.vms();
    const page = ui.browser.page;
    await step(`create VM ${vmName()} from tiny with an initial run`, async () => {
      await page.getByRole('button', { name: 'New VM' }).click();
      const dialog = page.getByRole('dialog', { name: 'New Virtual Machine' });
      await dialog.getByRole('combobox', { name: 'Template' }).selectOption({ label: 'tiny' });
      await dialog.getByRole('textbox', { name: 'Name', exact: true }).fill(vmName());
      // The boot protocol select is there (and turns the address field off for DHCP).
      await dialog.getByLabel('Boot protocol of nic1').selectOption('dhcp');
      expect(await dialog.getByLabel('nic1 static IPv4 address').isDisabled()).toBe(true);
      await dialog.getByRole('textbox', { name: 'Host name' }).fill('web1.lab.internal');
      await dialog.getByRole('textbox', { name: 'User name' }).fill('lab');
      await dialog.getByLabel('Password').fill(PASSWORD);
      await dialog.getByRole('textbox', { name: 'SSH public key' }).fill(KEY);
      // No network needed here: the vNIC row goes (NIC addressing is covered by the REST tests).
      await dialog.getByRole('button', { name: 'Remove nic1' }).click();
      await dialog.getByRole('button', { name: 'OK' }).click();
      await dialog.waitFor({ state: 'detached', timeout: 60_000 });
      await vms.row(vmName()).waitFor();
    });
    const created = await restVm();
    expect(created?.initialization).toMatchObject({
      host_name: 'web1.lab.internal',
      user_name: 'lab',
      root_password: '******',
      authorized_ssh_keys: KEY,
    });

    await step('edit the initial run from the VM page', async () => {
      await vms.table.getByRole('link', { name: vmName(), exact: true }).click();
      await page.getByRole('button', { name: 'Initial run' }).click();
      const dialog = page.getByRole('dialog', { name: `Initial run of ${vmName()}` });
      const host = dialog.getByRole('textbox', { name: 'Host name' });
      expect(await host.inputValue()).toBe('web1.lab.internal');
      // The stored password is never sent to the page.
      expect(await dialog.getByLabel('Password').inputValue()).toBe('');
      await host.fill('web2');
      await dialog.getByRole('button', { name: 'Save' }).click();
      await dialog.waitFor({ state: 'detached', timeout: 30_000 });
    });
    const edited = await restVm();
    expect(edited?.initialization).toMatchObject({
      host_name: 'web2',
      user_name: 'lab',
      root_password: '******',
    });
    expect(await page.content()).not.toContain(PASSWORD);
  });
});
