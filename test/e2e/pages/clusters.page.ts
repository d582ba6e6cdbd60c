// SPDX-License-Identifier: Apache-2.0
import type { Locator, Page } from 'playwright-core';

/** Clusters: each cluster's networks with Attached / Required. */
export class ClustersPage {
  constructor(readonly page: Page) {}

  /** The "required" checkbox of a network in a cluster. */
  required(cluster: string, network: string): Locator {
    return this.page.getByRole('checkbox', { name: `${network} required in cluster ${cluster}` });
  }

  /** The "attached" switch of a network in a cluster. */
  attached(cluster: string, network: string): Locator {
    return this.page.getByRole('switch', { name: `Attach ${network} to cluster ${cluster}` });
  }
}
