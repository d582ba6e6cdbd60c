// SPDX-License-Identifier: Apache-2.0
import type { Locator, Page } from 'playwright-core';

/** Events: the audit log and the progress of long actions. */
export class EventsPage {
  constructor(readonly page: Page) {}

  get auditLog(): Locator {
    return this.page.getByRole('table', { name: 'Audit log' });
  }

  /** Progress bars of the tasks seen since login. */
  get tasks(): Locator {
    return this.page.getByRole('region', { name: 'Tasks in progress' }).getByRole('progressbar');
  }

  /** Message texts of the audit log, top to bottom. */
  async messages(): Promise<string[]> {
    return this.auditLog.getByRole('row').allInnerTexts();
  }
}
