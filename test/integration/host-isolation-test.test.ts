// SPDX-License-Identifier: Apache-2.0
/**
 * Issue 13 item 7 on the REAL host: the isolation self-test's probes on an isolated bridge
 * (deployed by the real host layer) find the host silent over IPv4 and IPv6 and full-MTU
 * frames passing; with the isolation broken behind the product's back (an IPv6 address and
 * ARP answers on the bridge) the same test names what answered. The probes are gone after
 * every run, also a failed one. Names use this run's prefix (family `hp`).
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { run, runJson } from '../../libvirt/exec';
import type { HostAgent } from '../../libvirt/host-agent';
import { sweepStaleProbes } from '../../libvirt/isolation/self-test';
import { createLocalHostAgent } from '../../libvirt/local-host-agent';
import { must } from '../fixtures/engine-harness';
import { ipLink, ipLinks } from '../support/host-inspect';
import { claimRunPrefix, releaseRunPrefix, runDir, sweepStale } from '../support/run-prefix';

const FAMILY = 'hp';
const isRoot = process.getuid?.() === 0;
const skip = isRoot ? false : 'needs root to create bridges and namespaces';
if (skip) console.log(`host-isolation-test.test.ts skipped: ${skip}`);

let prefix = '';
let agent: HostAgent | null = null;
let bridge = '';

async function probesLeft(): Promise<string[]> {
  const ns = ((await runJson('ip', ['-json', 'netns', 'list'])) ?? []) as { name: string }[];
  const ports = (await ipLinks()).filter((l) => l.master === bridge).map((l) => l.ifname);
  return [...ns.map((n) => n.name).filter((n) => n.startsWith('aio-probe-')), ...ports];
}

describe.skipIf(Boolean(skip))('isolation self-test from probes on the segment', () => {
  beforeAll(async () => {
    await sweepStale(FAMILY);
    prefix = claimRunPrefix(FAMILY);
    bridge = `${prefix}iso`;
    agent = createLocalHostAgent({ stateDir: join(runDir(prefix), 'host-state') });
    await agent.setupNetworks({ networks: { [bridge]: { mtu: 9000 } } });
  });
  afterAll(async () => {
    try {
      await agent
        ?.setupNetworks({ networks: { [bridge]: { remove: true } } })
        .catch(() => undefined);
      await agent?.close();
    } finally {
      if (await ipLink(bridge)) await run('ip', ['link', 'del', bridge]);
      if (prefix) releaseRunPrefix(prefix);
    }
  });

  it('passes on an isolated bridge at MTU 9000 and leaves nothing behind', async () => {
    const report = await must(agent).isolationTest(bridge, 9000);
    const byName = Object.fromEntries(report.checks.map((c) => [c.name, c]));
    expect(Object.keys(byName).sort()).toEqual([
      'host-ipv4',
      'host-ipv6',
      'host-ipv6-all-nodes',
      'mtu',
      'segment-ipv4',
      'segment-ipv6',
    ]);
    for (const c of report.checks) expect(c.passed, `${c.name}: ${c.detail}`).toBe(true);
    expect(byName.mtu?.detail).toMatch(/^9000-byte packets/);
    expect(report.passed).toBe(true);
    expect(await probesLeft()).toEqual([]);
  });

  it('fails, naming what answered, when the host is reachable on the bridge', async () => {
    // Break isolation behind the product's back: IPv6 on, an address, ARP answered.
    await run('sysctl', ['-q', '-w', `net.ipv6.conf.${bridge}.disable_ipv6=0`]);
    await run('ip', ['addr', 'add', 'fd00:5eed::1/64', 'dev', bridge, 'nodad']);
    await run('ip', ['addr', 'add', 'fe80::5eed/64', 'dev', bridge, 'nodad']);
    await run('ip', ['addr', 'add', '169.254.250.250/16', 'dev', bridge]);
    await run('sysctl', ['-q', '-w', `net.ipv4.conf.${bridge}.arp_ignore=0`]);
    try {
      const report = await must(agent).isolationTest(bridge, 9000);
      const byName = Object.fromEntries(report.checks.map((c) => [c.name, c]));
      expect(report.passed).toBe(false);
      expect(byName['host-ipv4']?.passed).toBe(false);
      expect(byName['host-ipv4']?.detail).toContain('169.254.250.250');
      expect(byName['host-ipv6']?.passed).toBe(false);
      expect(byName['host-ipv6']?.detail).toContain('fd00:5eed::1');
      expect(byName['host-ipv6-all-nodes']?.passed).toBe(false);
      expect(byName['host-ipv6-all-nodes']?.detail).toContain('fe80::5eed');
      expect(byName['segment-ipv4']?.passed).toBe(true);
      expect(await probesLeft()).toEqual([]);
    } finally {
      // Put the isolation back through the product (Sync does the same).
      await must(agent).setupNetworks({ networks: { [bridge]: { mtu: 9000 } } });
    }
    const again = await must(agent).isolationTest(bridge, 9000);
    expect(again.passed).toBe(true);
  });

  it('removes probe namespaces left by a run that died long ago, not fresh ones', async () => {
    const left = 'aio-probe-deadbeef-a';
    const names = async (): Promise<string[]> =>
      (((await runJson('ip', ['-json', 'netns', 'list'])) ?? []) as { name: string }[]).map(
        (n) => n.name,
      );
    await run('ip', ['netns', 'add', left]);
    try {
      // Just created: could be a test running right now in another process — kept.
      await sweepStaleProbes();
      expect(await names()).toContain(left);
      // Ten minutes later it can only be a leftover of a run killed mid-test.
      await sweepStaleProbes(Date.now() + 10 * 60_000);
      expect(await names()).not.toContain(left);
    } finally {
      await run('ip', ['netns', 'del', left]).catch(() => undefined);
    }
  });

  it('a new host agent removes the probes a killed engine left on its bridges, not others', async () => {
    const tag = createHash('sha256').update(bridge).digest('hex').slice(0, 8);
    const ours = `aio-probe-${tag}-b`;
    const foreign = 'aio-probe-0badf00d-a';
    const names = async (): Promise<string[]> =>
      (((await runJson('ip', ['-json', 'netns', 'list'])) ?? []) as { name: string }[]).map(
        (n) => n.name,
      );
    await run('ip', ['netns', 'add', ours]);
    await run('ip', ['netns', 'add', foreign]);
    // The engine restarts: a new agent on the same state (it manages `bridge`).
    const restarted = createLocalHostAgent({ stateDir: join(runDir(prefix), 'host-state') });
    try {
      await expect.poll(names, { timeout: 10_000 }).not.toContain(ours);
      // Fresh, and on no bridge of this agent: maybe another engine's running test — kept.
      expect(await names()).toContain(foreign);
    } finally {
      await restarted.close();
      await run('ip', ['netns', 'del', ours]).catch(() => undefined);
      await run('ip', ['netns', 'del', foreign]).catch(() => undefined);
    }
  });

  it('works below MTU 1280 too (no IPv6 on the segment at all)', async () => {
    const small = `${prefix}sm`;
    await must(agent).setupNetworks({ networks: { [small]: { mtu: 1200 } } });
    try {
      const report = await must(agent).isolationTest(small, 1200);
      for (const c of report.checks) expect(c.passed, `${c.name}: ${c.detail}`).toBe(true);
      const byName = Object.fromEntries(report.checks.map((c) => [c.name, c]));
      expect(byName['host-ipv6']?.detail).toMatch(/below 1280/);
      expect(byName.mtu?.detail).toMatch(/^1200-byte packets/);
    } finally {
      await must(agent).setupNetworks({ networks: { [small]: { remove: true } } });
    }
    expect(await probesLeft()).toEqual([]);
  });

  it('refuses a missing bridge without leaving probes', async () => {
    await expect(must(agent).isolationTest(`${prefix}none`, 1500)).rejects.toMatchObject({
      code: 'HOST_NETWORK_INVALID',
    });
    expect(await probesLeft()).toEqual([]);
  });
});
