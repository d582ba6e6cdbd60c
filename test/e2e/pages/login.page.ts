// SPDX-License-Identifier: Apache-2.0
import type { Page } from 'playwright-core';

import { step } from '../support/step';
import { ShellPage } from './shell.page';

/** The browser-mode login form (admin@internal through the SSO password grant). */
export class LoginPage {
  constructor(readonly page: Page) {}

  async open(origin: string): Promise<this> {
    await step('open the web UI', async () => {
      await this.page.goto(`${origin}/`);
      await this.page.getByRole('button', { name: 'Log in' }).waitFor();
    });
    return this;
  }

  async login(user: string, password: string): Promise<ShellPage> {
    await step(`log in as ${user}`, async () => {
      await this.page.getByLabel('Username').fill(user);
      await this.page.getByLabel('Password').fill(password);
      await this.page.getByRole('button', { name: 'Log in' }).click();
      await this.page.getByRole('navigation', { name: 'Main navigation' }).waitFor();
    });
    return new ShellPage(this.page);
  }
}
