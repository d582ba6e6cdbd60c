// SPDX-License-Identifier: Apache-2.0
import type { Locator, Page } from 'playwright-core';

import { step } from '../support/step';

/** Storage: the domains table, the disks table and the disk dialogs. */
export class StoragePage {
  constructor(readonly page: Page) {}

  get domains(): Locator {
    return this.page.getByRole('table', { name: 'Storage domains' });
  }

  get disks(): Locator {
    return this.page.getByRole('table', { name: 'Disks', exact: true });
  }

  diskRow(name: string): Locator {
    return this.disks.getByRole('row').filter({ hasText: name });
  }

  /** The status label text of a disk (`Ok`, `Locked`, `Illegal`). */
  diskStatus(name: string): Promise<string> {
    return this.page.locator(`#disk-${name}-status .pf-v6-c-label`).innerText();
  }

  async openUpload(): Promise<UploadDialog> {
    await step('open Upload image', () =>
      this.page.getByRole('button', { name: 'Upload image' }).click(),
    );
    const dialog = new UploadDialog(this.page);
    await dialog.dialog.waitFor();
    return dialog;
  }
}

/** The Upload image dialog. */
export class UploadDialog {
  constructor(readonly page: Page) {}

  get dialog(): Locator {
    return this.page.getByRole('dialog', { name: 'Upload image' });
  }

  get progressBar(): Locator {
    return this.dialog.getByRole('progressbar', { name: 'Upload progress' });
  }

  get detectedFormat(): Locator {
    return this.dialog.locator('#upload-dialog-format');
  }

  get virtualSize(): Locator {
    return this.dialog.locator('#upload-dialog-virtual-size');
  }

  get fault(): Locator {
    return this.dialog.locator('#upload-dialog-fault');
  }

  get done(): Locator {
    return this.dialog.locator('#upload-dialog-done');
  }

  async choose(file: string, name: string): Promise<this> {
    await step(`choose ${file} as ${name}`, async () => {
      await this.dialog.getByLabel('Image file').setInputFiles(file);
      await this.detectedFormat.waitFor();
      await this.dialog.getByRole('textbox', { name: 'Disk name' }).fill(name);
    });
    return this;
  }

  /**
   * Records every value the progress bar takes from now on (a MutationObserver in the page,
   * so quick uploads cannot slip between two polls); read them with {@link progressSeen}.
   */
  async watchProgress(): Promise<void> {
    // A string, because test code has no DOM types; it runs in the page.
    await this.page.evaluate(`(() => {
      const seen = [];
      window.__aioProgress = seen;
      const record = () => {
        const bar = document.querySelector('#upload-progress [role="progressbar"]');
        const v = bar ? bar.getAttribute('aria-valuenow') : null;
        if (v !== null && seen[seen.length - 1] !== Number(v)) seen.push(Number(v));
      };
      new MutationObserver(record).observe(document.body, {
        subtree: true,
        childList: true,
        attributes: true,
        attributeFilter: ['aria-valuenow'],
      });
    })()`);
  }

  async progressSeen(): Promise<number[]> {
    return this.page.evaluate<number[]>('window.__aioProgress || []');
  }

  /** Waits until the upload ends: `done`, or the fault's text. */
  async outcome(timeout = 120_000): Promise<string> {
    await this.done.or(this.fault).first().waitFor({ timeout });
    return (await this.done.count()) > 0 ? 'done' : this.fault.innerText();
  }

  async upload(): Promise<this> {
    await step('click Upload', () => this.dialog.getByRole('button', { name: 'Upload' }).click());
    return this;
  }

  async close(): Promise<void> {
    await step('close the upload dialog', async () => {
      await this.dialog.getByRole('button', { name: 'Close', exact: true }).last().click();
      await this.dialog.waitFor({ state: 'detached' });
    });
  }
}
