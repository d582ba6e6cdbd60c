// SPDX-License-Identifier: Apache-2.0
import type { Locator, Page } from 'playwright-core';

import { step } from '../support/step';

/** A VM's Disks tab. */
export class VmDisksTab {
  constructor(
    readonly page: Page,
    readonly vm: string,
  ) {}

  get table(): Locator {
    return this.page.getByRole('table', { name: `Disks of ${this.vm}` });
  }

  row(disk: string): Locator {
    return this.table.getByRole('row').filter({ hasText: disk });
  }

  /** New disk (attached to this VM) through the dialog; `sizeGiB` as typed. */
  async newDisk(name: string, sizeGiB: string): Promise<this> {
    await step(`add a new ${sizeGiB} GiB disk ${name} to ${this.vm}`, async () => {
      await this.page.getByRole('button', { name: 'New disk' }).click();
      const dialog = this.page.getByRole('dialog', { name: `New disk for ${this.vm}` });
      await dialog.getByRole('textbox', { name: 'Name' }).fill(name);
      await dialog.getByRole('textbox', { name: 'Size (GiB)' }).fill(sizeGiB);
      await dialog.getByRole('button', { name: 'OK' }).click();
      await dialog.waitFor({ state: 'detached', timeout: 60_000 });
      await this.row(name).waitFor();
    });
    return this;
  }

  bootable(disk: string): Locator {
    return this.table.getByRole('checkbox', { name: `${disk} is bootable` });
  }
}

/** A VM's Snapshots tab. */
export class VmSnapshotsTab {
  constructor(
    readonly page: Page,
    readonly vm: string,
  ) {}

  get table(): Locator {
    return this.page.getByRole('table', { name: `Snapshots of ${this.vm}` });
  }

  row(description: string): Locator {
    return this.table.getByRole('row').filter({ hasText: description });
  }

  /** The status label text of a snapshot row. */
  status(description: string): Promise<string> {
    return this.row(description).locator('.pf-v6-c-label').innerText();
  }

  async create(description: string): Promise<this> {
    await step(`create snapshot "${description}" of ${this.vm}`, async () => {
      await this.page.getByRole('button', { name: 'Create snapshot' }).click();
      const dialog = this.page.getByRole('dialog', { name: `Create snapshot of ${this.vm}` });
      await dialog.getByText('Snapshots are disk-only').waitFor();
      await dialog.getByRole('textbox', { name: 'Description' }).fill(description);
      await dialog.getByRole('button', { name: 'Create' }).click();
      await dialog.waitFor({ state: 'detached', timeout: 60_000 });
    });
    return this;
  }

  async restore(description: string): Promise<this> {
    await step(`restore snapshot "${description}" of ${this.vm}`, async () => {
      await this.page.getByRole('button', { name: `Restore ${description}` }).click();
      const dialog = this.page.getByRole('dialog', { name: `Restore ${description}?` });
      await dialog.getByText('Everything written since then is lost').waitFor();
      await dialog.getByRole('button', { name: 'Restore' }).click();
      await dialog.waitFor({ state: 'detached', timeout: 60_000 });
    });
    return this;
  }
}
