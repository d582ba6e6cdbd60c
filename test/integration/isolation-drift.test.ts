// SPDX-License-Identifier: Apache-2.0
/**
 * Issue 13 item 6, against the REAL host layer: isolation drift of a deployed isolated network
 * — an IPv4 or IPv6 address on its bridge, the bridge set down, a foreign port enslaved, an
 * isolation sysctl changed — shows on the attachment as out of sync (with what differs) within
 * seconds, through kernel events and a `network_attachment` event (what the UI listens to),
 * and is repaired by Sync (setupnetworks synchronized_network_attachments), by activation and
 * by engine start. Checked out of band with `ip -json` and /proc. Names use this run's prefix
 * (family `id`); everything is removed at the end.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { run } from '../../libvirt/exec';
import type { HostAgent } from '../../libvirt/host-agent';
import { createLocalHostAgent } from '../../libvirt/local-host-agent';
import type { Host } from '../../main/contract/hosts';
import type { NetworkAttachment } from '../../main/contract/network-attachments';
import { type Harness, must, startHarness } from '../fixtures/engine-harness';
import { ipLink } from '../support/host-inspect';
import { claimRunPrefix, releaseRunPrefix, runDir, sweepStale } from '../support/run-prefix';

const FAMILY = 'id';
const isRoot = process.getuid?.() === 0;
const skip = isRoot ? false : 'needs root to create bridges';
if (skip) console.log(`isolation-drift.test.ts skipped: ${skip}`);

let prefix = '';
let agent: HostAgent | null = null;
let h: Harness | null = null;
let host: Host;
let bridge = '';
let foreign = '';
let networkId = '';
const events: string[] = [];

async function attachment(): Promise<NetworkAttachment> {
  const all = await must(h).ok('GetNetworkAttachmentsByHostId', { hostId: host.id });
  return must(
    all.find((a) => a.networkId === networkId),
    'attachment',
  );
}

/** Waits (kernel events, no sync call) until the attachment's in_sync is `inSync`. */
async function settles(inSync: boolean, timeoutMs = 10_000): Promise<NetworkAttachment> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const a = await attachment();
    if (a.inSync === inSync) return a;
    if (Date.now() > deadline) throw new Error(`in_sync stayed ${String(a.inSync)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const differs = (a: NetworkAttachment): Record<string, string> =>
  Object.fromEntries(
    a.reportedConfigurations.filter((c) => !c.inSync).map((c) => [c.name, c.actualValue]),
  );

async function sync(): Promise<void> {
  await must(h).ok('HostSetupNetworks', {
    hostId: host.id,
    synchronizedNetworkAttachments: [{ id: (await attachment()).id }],
  });
}

const sysctl = (path: string): string => readFileSync(path, 'utf8').trim();

describe.skipIf(Boolean(skip))('isolation drift (issue 13 item 6)', () => {
  beforeAll(async () => {
    await sweepStale(FAMILY);
    prefix = claimRunPrefix(FAMILY);
    bridge = `${prefix}iso`;
    foreign = `${prefix}fv`;
    agent = createLocalHostAgent({ stateDir: join(runDir(prefix), 'host-state') });
    h = await startHarness(agent, join(runDir(prefix), 'engine'));
    h.engine.subscribe((e) => {
      if (e.type === 'entity' && e.entity === 'network_attachment') events.push(e.id);
    });
    host = must((await h.ok('GetAllHosts', {}))[0], 'host');
    const n = await h.ok('AddNetwork', {
      name: bridge,
      dataCenter: { name: 'Default' },
      mtu: 9000,
      isolated: true,
    });
    networkId = n.id;
    await h.ok('AttachNetworkToCluster', { cluster: { name: 'Default' }, network: { id: n.id } });
    expect((await attachment()).inSync).toBe(true);
  });

  afterAll(async () => {
    try {
      if (h) {
        const admin = { userId: 't', userName: 'admin@internal', admin: true };
        await h.engine.invoke(admin, 'DetachNetworkFromCluster', {
          clusterId: host.clusterId,
          networkId,
        });
        await h.engine.invoke(admin, 'RemoveNetwork', { id: networkId });
        await h.close();
      }
    } finally {
      for (const dev of [bridge, foreign])
        if (await ipLink(dev)) await run('ip', ['link', 'del', dev]).catch(() => undefined);
      await agent?.close();
      if (prefix) releaseRunPrefix(prefix);
    }
  });

  it('an IPv4 address on the bridge shows out of sync within seconds; Sync removes it', async () => {
    const seen = events.length;
    await run('ip', ['addr', 'add', '192.0.2.7/24', 'dev', bridge]);
    const a = await settles(false);
    expect(differs(a)).toMatchObject({ ipv4_address: '192.0.2.7/24' });
    expect(events.length).toBeGreaterThan(seen);
    await sync();
    expect((await attachment()).inSync).toBe(true);
    expect((await ipLink(bridge))?.addr_info ?? []).toEqual([]);
  });

  it('IPv6 switched back on with an address shows out of sync; activation repairs it', async () => {
    writeFileSync(`/proc/sys/net/ipv6/conf/${bridge}/disable_ipv6`, '0\n');
    await run('ip', ['addr', 'add', '2001:db8:7::1/64', 'dev', bridge]);
    const a = await settles(false);
    expect(differs(a).ipv6_address).toContain('2001:db8:7::1/64');
    await must(h).ok('DeactivateHost', { hostId: host.id });
    await must(h).ok('ActivateHost', { hostId: host.id });
    expect((await attachment()).inSync).toBe(true);
    expect(sysctl(`/proc/sys/net/ipv6/conf/${bridge}/disable_ipv6`)).toBe('1');
    expect((await ipLink(bridge))?.addr_info ?? []).toEqual([]);
  });

  it('the bridge set down shows out of sync; Sync brings it up', async () => {
    await run('ip', ['link', 'set', 'dev', bridge, 'down']);
    const a = await settles(false);
    expect(differs(a)).toMatchObject({ link_state: 'down' });
    await sync();
    expect((await attachment()).inSync).toBe(true);
    expect((await ipLink(bridge))?.flags).toContain('UP');
  });

  it('a foreign port enslaved shows out of sync; Sync releases it', async () => {
    await run('ip', ['link', 'add', 'dev', foreign, 'type', 'veth', 'peer', 'name', `${foreign}p`]);
    await run('ip', ['link', 'set', 'dev', foreign, 'master', bridge]);
    const a = await settles(false);
    expect(differs(a).ports).toContain(foreign);
    await sync();
    expect((await attachment()).inSync).toBe(true);
    expect((await ipLink(foreign))?.master).toBeUndefined();
  });

  it('an isolation sysctl changed (no netlink event) shows out of sync; engine start repairs it', async () => {
    writeFileSync(`/proc/sys/net/ipv4/conf/${bridge}/arp_ignore`, '0\n');
    const a = await settles(false, 15_000);
    expect(differs(a).isolation).toContain('arp');
    h = await must(h).restart();
    expect((await attachment()).inSync).toBe(true);
    expect(sysctl(`/proc/sys/net/ipv4/conf/${bridge}/arp_ignore`)).toBe('8');
  });
});
