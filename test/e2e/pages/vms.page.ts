// SPDX-License-Identifier: Apache-2.0
import type { Locator, Page } from 'playwright-core';

import { step } from '../support/step';
import { VmDisksTab, VmSnapshotsTab } from './vm-storage.page';

export interface NewVmFields {
  readonly name: string;
  /** Template name, e.g. `tiny`. */
  readonly template: string;
  /** `profile/network` as the profile select shows it. */
  readonly profile: string;
  readonly address: string;
  readonly prefix?: number;
}

/** Virtual Machines list and the per-VM view. */
export class VmsPage {
  constructor(readonly page: Page) {}

  get table(): Locator {
    return this.page.getByRole('table', { name: 'Virtual machines' });
  }

  row(name: string): Locator {
    return this.table.getByRole('row').filter({ hasText: name });
  }

  /** The status label text of a VM in the list. */
  status(name: string): Promise<string> {
    return this.page.locator(`#vm-${name}-state`).innerText();
  }

  async create(fields: NewVmFields): Promise<this> {
    await step(`create VM ${fields.name} from ${fields.template}`, async () => {
      await this.page.getByRole('button', { name: 'New VM' }).click();
      const dialog = this.page.getByRole('dialog', { name: 'New Virtual Machine' });
      await dialog
        .getByRole('combobox', { name: 'Template' })
        .selectOption({ label: fields.template });
      await dialog.getByRole('textbox', { name: 'Name', exact: true }).fill(fields.name);
      await dialog.getByLabel('nic1 vNIC profile').selectOption({ label: fields.profile });
      await dialog.getByLabel('nic1 static IPv4 address').fill(fields.address);
      await dialog.getByLabel('nic1 prefix').fill(String(fields.prefix ?? 24));
      await dialog.getByRole('button', { name: 'OK' }).click();
      await dialog.waitFor({ state: 'detached', timeout: 60_000 });
      await this.row(fields.name).waitFor();
    });
    return this;
  }

  /** Opens a VM's Network Interfaces tab; returns its table. */
  async nics(name: string): Promise<Locator> {
    await step(`open the network interfaces of ${name}`, async () => {
      await this.table.getByRole('link', { name, exact: true }).click();
      await this.page.getByRole('tab', { name: 'Network Interfaces' }).click();
    });
    return this.page.getByRole('table', { name: `Network interfaces of ${name}` });
  }

  /**
   * New VM from Blank booting an existing (uploaded) disk, without NICs.
   */
  async createFromDisk(name: string, disk: string): Promise<this> {
    await step(`create VM ${name} from Blank booting disk ${disk}`, async () => {
      await this.page.getByRole('button', { name: 'New VM' }).click();
      const dialog = this.page.getByRole('dialog', { name: 'New Virtual Machine' });
      await dialog.getByRole('combobox', { name: 'Template' }).selectOption({ label: 'Blank' });
      await dialog.getByRole('textbox', { name: 'Name', exact: true }).fill(name);
      const boot = dialog.getByRole('combobox', { name: 'Boot disk' });
      const option = boot.getByRole('option').filter({ hasText: disk });
      await option.waitFor({ state: 'attached' });
      await boot.selectOption({ label: (await option.textContent()) ?? disk });
      await dialog.getByRole('button', { name: 'Remove nic1' }).click();
      await dialog.getByRole('button', { name: 'OK' }).click();
      await dialog.waitFor({ state: 'detached', timeout: 60_000 });
      await this.row(name).waitFor();
    });
    return this;
  }

  /** Opens a VM's page on the given tab (Disks, Snapshots). */
  private async openTab(name: string, tab: string): Promise<void> {
    await step(`open the ${tab} of ${name}`, async () => {
      await this.table.getByRole('link', { name, exact: true }).click();
      await this.page.getByRole('tab', { name: tab }).click();
    });
  }

  async disks(name: string): Promise<VmDisksTab> {
    await this.openTab(name, 'Disks');
    const tab = new VmDisksTab(this.page, name);
    await tab.table.waitFor();
    return tab;
  }

  async snapshots(name: string): Promise<VmSnapshotsTab> {
    await this.openTab(name, 'Snapshots');
    const tab = new VmSnapshotsTab(this.page, name);
    await tab.table.waitFor();
    return tab;
  }

  async run(name: string): Promise<this> {
    await step(`run ${name}`, () => this.page.getByRole('button', { name: `Run ${name}` }).click());
    return this;
  }

  async powerOff(name: string): Promise<this> {
    await step(`power off ${name}`, () =>
      this.page.getByRole('button', { name: `Power off ${name}` }).click(),
    );
    return this;
  }

  async openConsole(name: string): Promise<ConsolePage> {
    await step(`open the console of ${name}`, async () => {
      await this.page.getByRole('link', { name: `Console of ${name}` }).click();
      await this.page.getByRole('region', { name: `Serial console of ${name}` }).waitFor();
    });
    return new ConsolePage(this.page, name);
  }
}

/** The Console tab: xterm.js attached to the VM's serial console. */
export class ConsolePage {
  constructor(
    readonly page: Page,
    readonly vm: string,
  ) {}

  get terminal(): Locator {
    return this.page.getByRole('region', { name: `Serial console of ${this.vm}` });
  }

  /** What the terminal shows now (xterm's DOM rows). */
  async text(): Promise<string> {
    return this.terminal.locator('.xterm-rows').innerText();
  }

  /** Types into the terminal as a user would (focus, then keystrokes). */
  async type(text: string): Promise<this> {
    await step(`type ${JSON.stringify(text)} in the console`, async () => {
      await this.terminal.click();
      await this.page.keyboard.type(text, { delay: 20 });
    });
    return this;
  }
}
