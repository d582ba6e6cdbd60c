// SPDX-License-Identifier: Apache-2.0
// Network steps of the benchmarks, done through the REST API as a script would.
import { claimRunPrefix } from '../support/run-prefix';
import { idOf, type ServedAppliance } from './appliance';
import { bridgeIsUp, time, waitFor } from './measure';

let prefix: string | null = null;

/** This run's name prefix (family `bn`); bridge names stay ≤ 15 characters. */
export function benchPrefix(): string {
  prefix ??= claimRunPrefix('bn');
  return prefix;
}

/** Id of cluster `Default`. */
export async function clusterId(a: ServedAppliance): Promise<string> {
  const xml = await a.ok('GET', `/clusters?search=${encodeURIComponent('name=Default')}`);
  const id = /<cluster [^>]*\bid="([^"]+)"/.exec(xml)?.[1];
  if (id === undefined) throw new Error('no Default cluster');
  return id;
}

/**
 * Adds an isolated network and attaches it to the cluster (the engine deploys it to the Up
 * host), timing until the bridge is up with its MTU as the kernel reports it.
 */
export async function deployIsolatedNetwork(
  a: ServedAppliance,
  cluster: string,
  name: string,
  mtu: number,
): Promise<{ ms: number; networkId: string }> {
  let networkId = '';
  const ms = await time(async () => {
    networkId = idOf(
      await a.ok(
        'POST',
        '/networks',
        `<network><isolated>true</isolated><mtu>${mtu}</mtu><name>${name}</name>` +
          '<data_center><name>Default</name></data_center></network>',
      ),
    );
    await a.ok('POST', `/clusters/${cluster}/networks`, `<network id="${networkId}"/>`);
    await waitFor(() => bridgeIsUp(name, mtu), 30_000, 1);
  });
  return { ms, networkId };
}

/** Detaches the network from the cluster (removing the bridge) and deletes it. */
export async function removeNetwork(
  a: ServedAppliance,
  cluster: string,
  networkId: string,
): Promise<void> {
  await a.ok('DELETE', `/clusters/${cluster}/networks/${networkId}`);
  await a.ok('DELETE', `/networks/${networkId}`);
}

/**
 * {@link removeNetwork} for untimed clean-up done many at a time: a dropped connection (a
 * keep-alive socket the engine closed just as it was reused) is tried again, and a part
 * already gone (404) counts as done.
 */
export async function removeNetworkRetrying(
  a: ServedAppliance,
  cluster: string,
  networkId: string,
): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      for (const path of [`/clusters/${cluster}/networks/${networkId}`, `/networks/${networkId}`]) {
        const r = await a.request('DELETE', path);
        if (r.status !== 404 && (r.status < 200 || r.status > 299))
          throw new Error(`DELETE ${path} → ${r.status}: ${r.text.slice(0, 200)}`);
      }
      return;
    } catch (e) {
      if (attempt >= 2) throw e;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}
