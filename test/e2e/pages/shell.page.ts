// SPDX-License-Identifier: Apache-2.0
import type { Page } from 'playwright-core';

import { step } from '../support/step';
import { ClustersPage } from './clusters.page';
import { EventsPage } from './events.page';
import { HostsPage } from './hosts.page';
import { NetworksPage } from './networks.page';
import { StoragePage } from './storage.page';
import { VmsPage } from './vms.page';

/** The frame: masthead and the vertical navigation. */
export class ShellPage {
  constructor(readonly page: Page) {}

  private async go(name: string): Promise<void> {
    await this.page
      .getByRole('navigation', { name: 'Main navigation' })
      .getByRole('link', { name, exact: true })
      .click();
    await this.page.getByRole('heading', { level: 1, name }).waitFor();
  }

  async networks(): Promise<NetworksPage> {
    await step('go to Networks', () => this.go('Networks'));
    return new NetworksPage(this.page);
  }

  async clusters(): Promise<ClustersPage> {
    await step('go to Clusters', () => this.go('Clusters'));
    return new ClustersPage(this.page);
  }

  async events(): Promise<EventsPage> {
    await step('go to Events', () => this.go('Events'));
    return new EventsPage(this.page);
  }

  async hosts(): Promise<HostsPage> {
    await step('go to Hosts', () => this.go('Hosts'));
    return new HostsPage(this.page);
  }

  async vms(): Promise<VmsPage> {
    await step('go to Virtual Machines', () => this.go('Virtual Machines'));
    return new VmsPage(this.page);
  }

  async storage(): Promise<StoragePage> {
    await step('go to Storage', () => this.go('Storage'));
    return new StoragePage(this.page);
  }
}
