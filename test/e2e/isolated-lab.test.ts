// SPDX-License-Identifier: Apache-2.0
/**
 * @smoke The private-lab story through the web UI, against a real headless engine:
 *  - an MTU of 20 is refused in the dialog and nothing is created (checked through REST);
 *  - an isolated network with MTU 9000 created in the dialog exists on the host as a bridge
 *    with MTU 9000 (`ip -json link`) and REST shows its attachment without `host_nic`;
 *  - two VMs from `tiny` on it boot, and a ping typed in one's console reaches the other.
 *  - while they talk, Setup Networks shows the attachment's live rx/tx rates.
 * Screenshots of Networks, Setup Networks and Console go to docs/screenshots/ (AIO_UPDATE_SCREENSHOTS=1).
 */
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ipLink } from '../support/host-inspect';
import { startWebUi, type WebUi, webUiProblem } from './fixtures';
import { unnamedControls } from './support/a11y';
import { list } from './support/rest';
import { step } from './support/step';

const problem = webUiProblem();
if (problem) console.log(`[e2e] web UI tests skipped: ${problem}`);

interface RestNetwork {
  id: string;
  name: string;
  mtu?: string;
}
interface RestAttachment {
  id: string;
  network?: { id: string };
  host_nic?: { id: string };
}

describe.skipIf(problem !== null)('web UI: isolated lab', () => {
  let ui: WebUi;
  // Unique per run: bridge names stay ≤ 15 characters (prefix is 5).
  const net = (): string => `${ui.prefix}iso`;
  const subnet = `10.${70 + Math.floor(Math.random() * 20)}.${Math.floor(Math.random() * 250)}`;

  beforeAll(async () => {
    ui = await startWebUi();
  }, 240_000);

  afterAll(async () => {
    await ui?.close();
  }, 180_000);

  it('refuses MTU 20 with a field error and creates nothing', async () => {
    const bad = `${ui.prefix}bad`;
    const networks = await ui.shell.networks();
    const dialog = await networks.newNetwork();
    await dialog.fill({ name: bad, isolated: true, mtu: 20 });
    await dialog.saveExpectingErrors();
    await step('see the MTU field error', async () => {
      await dialog.mtuError.waitFor();
      expect(await dialog.mtuError.innerText()).toMatch(/between 68 and/);
      expect(await dialog.dialog.getByLabel('Custom MTU').getAttribute('aria-invalid')).toBe(
        'true',
      );
    });
    await dialog.cancel();
    await step('check through REST and ip that nothing was created', async () => {
      const all = list<RestNetwork>(await ui.rest.get('/networks'), 'network');
      expect(all.map((n) => n.name)).not.toContain(bad);
      expect(await ipLink(bad)).toBeUndefined();
    });
  });

  it('creates an isolated network with MTU 9000 that exists on the host without a NIC', async () => {
    const networks = await ui.shell.networks();
    const dialog = await networks.newNetwork();
    await dialog.fill({ name: net(), description: 'e2e private lab', isolated: true, mtu: 9000 });
    expect(await unnamedControls(ui.browser.page)).toEqual([]);
    await step('isolated forces VM network on and VLAN off', async () => {
      expect(await dialog.vmNetwork.isChecked()).toBe(true);
      expect(await dialog.vmNetwork.isDisabled()).toBe(true);
      expect(await dialog.vlan.isDisabled()).toBe(true);
    });
    await dialog.save();
    await step('the list shows the isolated badge and MTU 9000', async () => {
      const row = networks.row(net());
      await row.getByText('isolated', { exact: true }).waitFor();
      expect(await row.getByRole('cell').nth(4).innerText()).toBe('9000');
      await ui.browser.page.screenshot({ path: join(ui.screenshots, 'networks.png') });
      expect(await unnamedControls(ui.browser.page)).toEqual([]);
    });
    await step('out of band: the bridge exists with MTU 9000', async () => {
      await expect
        .poll(async () => (await ipLink(net()))?.mtu, { timeout: 60_000, interval: 1000 })
        .toBe(9000);
    });
    const restNet = await step('out of band: REST shows the network with MTU 9000', async () => {
      const n = list<RestNetwork>(await ui.rest.get('/networks'), 'network').find(
        (x) => x.name === net(),
      );
      expect(n).toBeDefined();
      expect(String(n?.mtu)).toBe('9000');
      return n as RestNetwork;
    });
    await step('out of band: REST shows an attachment without host_nic', async () => {
      const hosts = list<{ id: string }>(await ui.rest.get('/hosts'), 'host');
      expect(hosts.length).toBeGreaterThan(0);
      const hostId = hosts[0]?.id ?? '';
      await expect
        .poll(
          async () => {
            const atts = list<RestAttachment>(
              await ui.rest.get(`/hosts/${hostId}/networkattachments`),
              'network_attachment',
            );
            const a = atts.find((x) => x.network?.id === restNet.id);
            return a ? { found: true, hostNic: a.host_nic ?? null } : { found: false };
          },
          { timeout: 60_000, interval: 1000 },
        )
        .toEqual({ found: true, hostNic: null });
    });
    await step(
      "a second network with the same name gets the engine's words under Name",
      async () => {
        const again = await (await ui.shell.networks()).newNetwork();
        await again.fill({ name: net(), isolated: true });
        await again.saveExpectingErrors();
        await again.nameError.waitFor();
        expect(await again.nameError.innerText()).toMatch(/already used/);
        await again.cancel();
        const same = list<RestNetwork>(await ui.rest.get('/networks'), 'network').filter(
          (x) => x.name === net(),
        );
        expect(same).toHaveLength(1);
      },
    );
    await step('Edit: MTU 8000 reaches the bridge, and back to 9000', async () => {
      for (const mtu of [8000, 9000]) {
        const edit = await (await ui.shell.networks()).edit(net());
        await edit.fill({ name: net(), mtu });
        await edit.save();
        await expect
          .poll(async () => (await ipLink(net()))?.mtu, { timeout: 60_000, interval: 1000 })
          .toBe(mtu);
      }
    });
    const clusters = await ui.shell.clusters();
    await step('Clusters shows it attached to Default and required, locked on', async () => {
      // The relation loads after the network list: poll until it settles.
      await expect.poll(() => clusters.attached('Default', net()).isChecked()).toBe(true);
      await expect.poll(() => clusters.required('Default', net()).isChecked()).toBe(true);
      expect(await clusters.required('Default', net()).isDisabled()).toBe(true);
      expect(await unnamedControls(ui.browser.page)).toEqual([]);
    });
    const hosts = await ui.shell.hosts();
    const setup = await hosts.setupNetworks();
    await step('Setup Networks shows it in the NIC-less area', async () => {
      await setup.niclessAttachment(net()).waitFor();
      await setup.rates(net()).waitFor();
      expect(await unnamedControls(ui.browser.page)).toEqual([]);
    });
    const label = `${ui.prefix}lab`;
    const hostLabels = async (): Promise<string[]> => {
      const hostId = list<{ id: string }>(await ui.rest.get('/hosts'), 'host')[0]?.id ?? '';
      return list<{ id: string }>(
        await ui.rest.get(`/hosts/${hostId}/networklabels`),
        'network_label',
      ).map((l) => l.id);
    };
    await setup.addHostLabel(label);
    await step('out of band: REST lists the host label', async () => {
      expect(await hostLabels()).toContain(label);
    });
    await setup.removeHostLabel(label);
    await step('out of band: the host label is gone', async () => {
      expect(await hostLabels()).not.toContain(label);
    });
  });

  it('runs two tiny VMs on it and pings one from the other in the console', async () => {
    const v1 = `${ui.prefix}v1`;
    const v2 = `${ui.prefix}v2`;
    const vms = await ui.shell.vms();
    const profile = `${net()}/${net()}`;
    await vms.create({ name: v1, template: 'tiny', profile, address: `${subnet}.1` });
    await vms.create({ name: v2, template: 'tiny', profile, address: `${subnet}.2` });
    await step('the VM shows its NIC with the vNIC profile and the static address', async () => {
      const nics = await vms.nics(v1);
      const row = nics.getByRole('row').filter({ hasText: 'nic1' });
      await expect.poll(() => row.innerText()).toContain(profile);
      expect(await row.innerText()).toContain(`${subnet}.1/24`);
      expect(await unnamedControls(ui.browser.page)).toEqual([]);
    });
    await ui.shell.vms();
    await vms.run(v1);
    await vms.run(v2);
    await step('both VMs come up', async () => {
      for (const vm of [v1, v2]) {
        await expect.poll(() => vms.status(vm), { timeout: 180_000, interval: 2000 }).toBe('Up');
      }
    });
    const consolePage = await vms.openConsole(v1);
    await step('the guest shell answers on the console', async () => {
      await expect
        .poll(
          async () => {
            await consolePage.type('\r');
            return consolePage.text();
          },
          { timeout: 180_000, interval: 3000 },
        )
        .toContain('aio#');
    });
    await consolePage.type(`ping -c 3 ${subnet}.2\r`);
    await step('the reply shows in the terminal', async () => {
      await expect
        .poll(() => consolePage.text(), { timeout: 60_000, interval: 1000 })
        .toMatch(new RegExp(`bytes from ${subnet.replace(/\./g, '\\.')}\\.2`));
      await ui.browser.page.screenshot({ path: join(ui.screenshots, 'console.png') });
      expect(await unnamedControls(ui.browser.page)).toEqual([]);
    });
    // Keep traffic flowing (≈ 8 KB/s for 20 s) while Setup Networks shows the live rates.
    await consolePage.type(`ping -q -c 20 -s 8000 ${subnet}.2\r`);
    const setup = await (await ui.shell.hosts()).setupNetworks();
    await step('the attachment shows live non-zero rates', async () => {
      await expect
        .poll(async () => setup.rates(net()).getAttribute('aria-label'), {
          timeout: 30_000,
          interval: 1000,
        })
        .toMatch(/receive [1-9][0-9.]* [KM]?B\/s/);
      // A few samples, so the screenshot shows a line rather than a dot.
      await expect
        .poll(async () => Number(await setup.chart(net()).getAttribute('data-samples')), {
          timeout: 30_000,
        })
        .toBeGreaterThanOrEqual(5);
      await ui.browser.page.screenshot({ path: join(ui.screenshots, 'setup-networks.png') });
    });
    const events = await ui.shell.events();
    await step('Events lists the runs newest first and the tasks seen since login', async () => {
      await expect.poll(async () => (await events.messages()).length).toBeGreaterThan(3);
      const rows = (await events.messages()).slice(1); // [0] is the header row
      const firstRun = rows.findIndex((r) => r.includes(v1));
      const addNetwork = rows.findIndex((r) => r.includes(net()));
      expect(firstRun).toBeGreaterThanOrEqual(0);
      expect(addNetwork).toBeGreaterThan(firstRun); // the network came before the VMs
      expect(await events.tasks.count()).toBeGreaterThan(0);
      expect(await unnamedControls(ui.browser.page)).toEqual([]);
    });
  });
});
