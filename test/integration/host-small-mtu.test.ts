// SPDX-License-Identifier: Apache-2.0
/**
 * Issue 13 item 9: an isolated network with an MTU below IPv6's minimum (1280). The kernel
 * then removes IPv6 from the bridge altogether (`/proc/sys/net/ipv6/conf/<br>` disappears),
 * which is as isolated as it gets; the read-back used to take the missing sysctl for "IPv6
 * enabled" and every deploy rolled back. Raising the MTU again gives the bridge a fresh IPv6
 * with the kernel's defaults (link-local address!), so the isolation must be put back after
 * the MTU. Real host layer, checked out of band; names use this run's prefix (family `hm`).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { run } from '../../libvirt/exec';
import { createLocalHostAgent } from '../../libvirt/local-host-agent';
import { type Harness, must, startHarness } from '../fixtures/engine-harness';
import { ipLink } from '../support/host-inspect';
import { claimRunPrefix, releaseRunPrefix, runDir, sweepStale } from '../support/run-prefix';

const FAMILY = 'hm';
const isRoot = process.getuid?.() === 0;
const skip = isRoot ? false : 'needs root to create bridges';
if (skip) console.log(`host-small-mtu.test.ts skipped: ${skip}`);

let prefix = '';
let h: Harness | null = null;
let bridge = '';

const ipv6Conf = (dev: string): string => `/proc/sys/net/ipv6/conf/${dev}`;

/** Out of band: no address of any family on the bridge, IPv6 gone or disabled. */
async function expectIsolated(dev: string): Promise<void> {
  const link = must(await ipLink(dev), dev);
  expect(link.addr_info).toEqual([]);
  if (link.mtu < 1280) expect(existsSync(ipv6Conf(dev))).toBe(false);
  else {
    expect(link.inet6_addr_gen_mode).toBe('none');
    expect((await run('cat', [join(ipv6Conf(dev), 'disable_ipv6')])).stdout.trim()).toBe('1');
  }
}

describe.skipIf(Boolean(skip))('isolated network with MTU below 1280', () => {
  beforeAll(async () => {
    await sweepStale(FAMILY);
    prefix = claimRunPrefix(FAMILY);
    bridge = `${prefix}small`;
    const agent = createLocalHostAgent({ stateDir: join(runDir(prefix), 'host-state') });
    h = await startHarness(agent, join(runDir(prefix), 'engine'));
  });
  afterAll(async () => {
    try {
      if (h) {
        const nets = await h.ok('GetAllNetworks', {});
        for (const n of nets.filter((x) => x.name === bridge)) {
          const admin = { userId: 't', userName: 'admin@internal', admin: true };
          const host = must((await h.ok('GetAllHosts', {}))[0]);
          await h.engine.invoke(admin, 'DetachNetworkFromCluster', {
            clusterId: host.clusterId,
            networkId: n.id,
          });
          await h.engine.invoke(admin, 'RemoveNetwork', { id: n.id });
        }
        await h.close();
        await h.agent.close();
      }
    } finally {
      if (await ipLink(bridge)) await run('ip', ['link', 'del', bridge]);
      if (prefix) releaseRunPrefix(prefix);
    }
  });

  it('deploys at MTU 1200, in sync, with no IPv6 on the bridge', async () => {
    const hh = must(h);
    const n = await hh.ok('AddNetwork', {
      name: bridge,
      dataCenter: { name: 'Default' },
      mtu: 1200,
      isolated: true,
    });
    // Before the fix: SETUP_NETWORKS_ROLLBACK "ipv6 expected disabled, found enabled".
    await hh.ok('AttachNetworkToCluster', { cluster: { name: 'Default' }, network: { id: n.id } });
    expect((await ipLink(bridge))?.mtu).toBe(1200);
    await expectIsolated(bridge);
    const host = must((await hh.ok('GetAllHosts', {}))[0]);
    const [a] = (await hh.ok('GetNetworkAttachmentsByHostId', { hostId: host.id })).filter(
      (x) => x.networkId === n.id,
    );
    expect(a?.inSync).toBe(true);
  });

  it('raising the MTU to 1500 puts the isolation back (no link-local address)', async () => {
    const hh = must(h);
    const n = must((await hh.ok('GetAllNetworks', {})).find((x) => x.name === bridge));
    await hh.ok('UpdateNetwork', { id: n.id, mtu: 1500 });
    expect((await ipLink(bridge))?.mtu).toBe(1500);
    // A link-local address would appear within DAD time; give it the chance to.
    await new Promise((r) => setTimeout(r, 1500));
    await expectIsolated(bridge);
    await hh.ok('UpdateNetwork', { id: n.id, mtu: 1000 });
    expect((await ipLink(bridge))?.mtu).toBe(1000);
    await expectIsolated(bridge);
    // Activation re-validates: the sub-1280 bridge is reported as isolated, nothing to repair.
    const host = must((await hh.ok('GetAllHosts', {}))[0]);
    await hh.ok('DeactivateHost', { hostId: host.id });
    expect((await hh.ok('ActivateHost', { hostId: host.id })).status).toBe('up');
    const [a] = (await hh.ok('GetNetworkAttachmentsByHostId', { hostId: host.id })).filter(
      (x) => x.networkId === n.id,
    );
    expect(a?.inSync).toBe(true);
  });
});
