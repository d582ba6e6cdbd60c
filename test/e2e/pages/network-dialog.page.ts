// SPDX-License-Identifier: Apache-2.0
import type { Locator, Page } from 'playwright-core';

import { step } from '../support/step';
import { NetworksPage } from './networks.page';

export interface NetworkFields {
  readonly name: string;
  readonly description?: string;
  readonly isolated?: boolean;
  /** Custom MTU; omitted = default. */
  readonly mtu?: number;
}

/** New / Edit Logical Network dialog. */
export class NetworkDialogPage {
  constructor(readonly page: Page) {}

  get dialog(): Locator {
    return this.page.getByRole('dialog', { name: /Logical Network/ });
  }

  async fill(fields: NetworkFields): Promise<this> {
    await step(`fill the network form (${JSON.stringify(fields)})`, async () => {
      await this.dialog.getByRole('textbox', { name: 'Name', exact: true }).fill(fields.name);
      if (fields.description !== undefined) {
        await this.dialog
          .getByRole('textbox', { name: 'Description', exact: true })
          .fill(fields.description);
      }
      if (fields.isolated) await this.dialog.getByLabel('Isolated (NIC-less)').check();
      if (fields.mtu !== undefined) {
        await this.dialog.getByRole('radio', { name: 'Custom' }).check();
        await this.dialog.getByLabel('Custom MTU').fill(String(fields.mtu));
      }
    });
    return this;
  }

  /** The VM network checkbox (forced on and disabled for isolated networks). */
  get vmNetwork(): Locator {
    return this.dialog.getByLabel('VM network');
  }

  get vlan(): Locator {
    return this.dialog.getByLabel('Enable VLAN tagging');
  }

  /** Inline error under the Name field (client checks and engine faults about the name). */
  get nameError(): Locator {
    return this.dialog.locator('#network-dialog-name-error');
  }

  /** Inline error under the MTU field. */
  get mtuError(): Locator {
    return this.dialog.locator('#network-dialog-mtu-error');
  }

  /** Presses OK expecting the dialog to close. */
  async save(): Promise<NetworksPage> {
    await step('press OK', async () => {
      await this.dialog.getByRole('button', { name: 'OK' }).click();
      await this.dialog.waitFor({ state: 'detached', timeout: 120_000 });
    });
    return new NetworksPage(this.page);
  }

  /** Presses OK expecting the dialog to stay open (validation errors). */
  async saveExpectingErrors(): Promise<this> {
    await step('press OK (expect field errors)', async () => {
      await this.dialog.getByRole('button', { name: 'OK' }).click();
    });
    return this;
  }

  async cancel(): Promise<NetworksPage> {
    await this.dialog.getByRole('button', { name: 'Cancel' }).click();
    await this.dialog.waitFor({ state: 'detached' });
    return new NetworksPage(this.page);
  }
}
