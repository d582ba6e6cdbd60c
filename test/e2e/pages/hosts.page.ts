// SPDX-License-Identifier: Apache-2.0
import type { Locator, Page } from 'playwright-core';

import { step } from '../support/step';

/** Hosts list. */
export class HostsPage {
  constructor(readonly page: Page) {}

  get table(): Locator {
    return this.page.getByRole('table', { name: 'Hosts' });
  }

  async setupNetworks(hostName?: string): Promise<SetupNetworksPage> {
    await step('open Setup Host Networks', async () => {
      const button = hostName
        ? this.page.getByRole('link', { name: `Setup networks of host ${hostName}` })
        : this.page.getByRole('link', { name: /^Setup networks of host / }).first();
      await button.click();
      await this.page.getByRole('heading', { level: 1, name: /Setup Host Networks/ }).waitFor();
    });
    return new SetupNetworksPage(this.page);
  }
}

/** Setup Host Networks view. */
export class SetupNetworksPage {
  constructor(readonly page: Page) {}

  /** The separate area for attachments without a NIC. */
  get niclessArea(): Locator {
    return this.page.getByRole('region', { name: 'NIC-less networks' });
  }

  /** A network's attachment card inside the NIC-less area. */
  niclessAttachment(network: string): Locator {
    return this.niclessArea.locator('.pf-v6-c-card').filter({ hasText: network });
  }

  /** The live rx/tx chart of an attachment (an SVG with an accessible name). */
  /** Adds a host-level network label with the labels editor. */
  async addHostLabel(label: string): Promise<this> {
    await step(`add host label ${label}`, async () => {
      await this.page.getByRole('textbox', { name: 'New host network label' }).fill(label);
      await this.page.getByRole('button', { name: 'Add label' }).click();
      await this.hostLabel(label).waitFor();
    });
    return this;
  }

  async removeHostLabel(label: string): Promise<this> {
    await step(`remove host label ${label}`, async () => {
      await this.page.getByRole('button', { name: `Remove label ${label}` }).click();
      await this.hostLabel(label).waitFor({ state: 'detached' });
    });
    return this;
  }

  hostLabel(label: string): Locator {
    return this.page.getByRole('list', { name: 'Labels' }).getByText(label, { exact: true });
  }

  /** The figure around it (carries `data-samples`, the number of points drawn). */
  chart(network: string): Locator {
    return this.page.getByRole('figure').filter({ has: this.rates(network) });
  }

  rates(network: string): Locator {
    return this.page.getByRole('img', { name: `Traffic on ${network}:` });
  }
}
