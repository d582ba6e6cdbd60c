// SPDX-License-Identifier: Apache-2.0
import type { Locator, Page } from 'playwright-core';

import { step } from '../support/step';
import { NetworkDialogPage } from './network-dialog.page';

/** Networks list. */
export class NetworksPage {
  constructor(readonly page: Page) {}

  get table(): Locator {
    return this.page.getByRole('table', { name: 'Networks' });
  }

  /** The row of a network (names in tests are unique run-prefixed strings). */
  row(name: string): Locator {
    return this.table.getByRole('row').filter({ hasText: name });
  }

  async edit(name: string): Promise<NetworkDialogPage> {
    await step(`open Edit for ${name}`, async () => {
      await this.page.getByRole('button', { name: `Edit network ${name}` }).click();
      await this.page.getByRole('dialog', { name: `Edit Logical Network ${name}` }).waitFor();
    });
    return new NetworkDialogPage(this.page);
  }

  async newNetwork(): Promise<NetworkDialogPage> {
    await step('open New network', async () => {
      await this.page.getByRole('button', { name: 'New network' }).click();
      await this.page.getByRole('dialog', { name: 'New Logical Network' }).waitFor();
    });
    return new NetworkDialogPage(this.page);
  }
}
