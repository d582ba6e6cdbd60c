// SPDX-License-Identifier: Apache-2.0
/**
 * setupNetworks on the real host (issue 4, "What it must show" 1, 5 and 6 for bridges): isolated
 * and NIC-backed bridges (veth pairs, never the uplink), drift, failure injection with exact
 * rollback, removal. Every effect is checked out of band with `ip -json`, never through the
 * agent's own report alone.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { run } from '../../libvirt/exec';
import { networkDrift } from '../../libvirt/host-agent';
import { LocalHostAgent } from '../../libvirt/local-host-agent';
import type { NetStep } from '../../libvirt/network/desired-state';
import { readAccelerator } from '../../libvirt/probe';
import { HostError, HostErrorCode } from '../../main/contract/errors';
import { bridgePorts, hostPicture, ipLink, ipLinks } from '../support/host-inspect';
import {
  claimRunPrefix,
  hostTestSkipReason,
  releaseRunPrefix,
  runDir,
  sweepStale,
} from '../support/run-prefix';

const FAMILY = 'hn';

async function sysctl(path: string): Promise<string> {
  return (await readFile(`/proc/sys/${path}`, 'utf8')).trim();
}

async function expectHostError(p: Promise<unknown>, code: string): Promise<HostError> {
  const error = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(HostError);
  expect((error as HostError).code).toBe(code);
  return error as HostError;
}

const skip = hostTestSkipReason();
if (skip) console.log(`host-networks.test.ts skipped: ${skip}`);

describe.skipIf(Boolean(skip))('host networks (real bridges)', () => {
  const p = claimRunPrefix(FAMILY);
  const dir = runDir(p);
  const blue = `${p}blue`;
  const red = `${p}red`;
  const v0 = `${p}v0`;
  const v1 = `${p}v1`;
  // This run's devices plus the physical NICs and loopback: everything a request of this run
  // could touch. Other runs' bridges and taps come and go concurrently and are left out.
  const mine = (ifname: string, kind: string | null): boolean =>
    ifname.startsWith(p) || kind === null;
  let beforeStep: ((step: NetStep, index: number) => Promise<void>) | null = null;
  let agent: LocalHostAgent;

  beforeAll(async () => {
    const swept = await sweepStale(FAMILY);
    if (swept.links.length + swept.domains.length > 0) console.log('swept stale objects', swept);
    agent = new LocalHostAgent(
      { stateDir: join(dir, 'state') },
      { applyHooks: { beforeStep: async (step, i) => beforeStep?.(step, i) } },
    );
    // A veth pair stands in for a NIC; the machine's uplink is never touched.
    await run('ip', ['link', 'add', 'dev', v0, 'type', 'veth', 'peer', 'name', v1]);
  });

  afterAll(async () => {
    await agent.close();
    for (const l of await ipLinks()) {
      if (l.ifname.startsWith(p))
        await run('ip', ['link', 'del', 'dev', l.ifname]).catch(() => undefined);
    }
    expect((await ipLinks()).filter((l) => l.ifname.startsWith(p))).toEqual([]);
    releaseRunPrefix(p);
  });

  it('1. isolated network: bridge with MTU 9000, STP off, no ports, no IPv4, no IPv6 of any kind', async () => {
    const reports = await agent.setupNetworks({ networks: { [blue]: { mtu: 9000 } } });
    expect(reports[blue]).toMatchObject({
      exists: true,
      mtu: 9000,
      nic: null,
      taps: [],
      ipv4: [],
      ipv6: [],
    });

    // Out of band, and again after a moment: a link-local address would appear after "up".
    for (const wait of [0, 2500]) {
      await new Promise((r) => setTimeout(r, wait));
      const link = await ipLink(blue);
      expect(link?.linkinfo?.info_kind).toBe('bridge');
      expect(link?.mtu).toBe(9000);
      expect(link?.flags).toContain('UP');
      expect(link?.linkinfo?.info_data?.stp_state).toBe(0);
      expect(link?.inet6_addr_gen_mode).toBe('none');
      expect(link?.addr_info).toEqual([]);
      expect(await bridgePorts(blue)).toEqual([]);
    }
    expect(await sysctl(`net/ipv6/conf/${blue}/disable_ipv6`)).toBe('1');
    expect(await sysctl(`net/ipv4/conf/${blue}/arp_ignore`)).toBe('8');
    expect(await sysctl(`net/ipv4/conf/${blue}/rp_filter`)).toBe('1');
  });

  it('is idempotent: the same request changes nothing on the host', async () => {
    const before = await hostPicture(mine);
    await agent.setupNetworks({ networks: { [blue]: { mtu: 9000 } } });
    expect(await hostPicture(mine)).toEqual(before);
  });

  it('reports drift made out of band, and setupNetworks repairs it', async () => {
    await run('ip', ['addr', 'add', '10.250.0.1/24', 'dev', blue]);
    await run('ip', ['link', 'set', 'dev', blue, 'mtu', '1500']);
    const reported = (await agent.reportNetworks([blue, `${p}none`]))[blue];
    expect(reported).toBeDefined();
    if (reported === undefined) return;
    expect(networkDrift({ mtu: 9000 }, reported).map((d) => d.field)).toEqual(['mtu', 'ipv4']);
    const missing = (await agent.reportNetworks([`${p}none`]))[`${p}none`];
    expect(missing?.exists).toBe(false);

    await agent.setupNetworks({ networks: { [blue]: { mtu: 9000 } } });
    const link = await ipLink(blue);
    expect(link?.mtu).toBe(9000);
    expect(link?.addr_info).toEqual([]);
  });

  it('NIC-backed network: the NIC is enslaved and the bridge MTU does not follow a smaller port', async () => {
    await agent.setupNetworks({ networks: { [red]: { nic: v0, mtu: 9000 } } });
    expect((await ipLink(v0))?.master).toBe(red);
    expect((await ipLink(v0))?.mtu).toBe(9000);
    expect((await ipLink(red))?.mtu).toBe(9000);
    expect(await bridgePorts(red)).toEqual([v0]);

    // A port with a smaller MTU must not drag the bridge down silently.
    await run('ip', ['link', 'set', 'dev', v0, 'mtu', '1500']);
    expect((await ipLink(red))?.mtu).toBe(9000);
    await agent.setupNetworks({ networks: { [red]: { nic: v0, mtu: 9000 } } });
    expect((await ipLink(v0))?.mtu).toBe(9000);

    const caps = await agent.getCapabilities();
    expect(caps.accelerator).toBe(readAccelerator());
    const nic = caps.nics.find((n) => n.name === v0);
    expect(nic).toMatchObject({ name: v0, mtu: 9000, master: red, maxMtu: 65535 });
    expect(nic?.mac).toMatch(/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/);
    expect(caps.bridges.find((b) => b.name === red)).toMatchObject({
      ports: [v0],
      mtu: 9000,
      stp: false,
    });
    expect(caps.bridges.find((b) => b.name === blue)).toMatchObject({ ports: [], ipv6: [] });
    expect(caps.cpus).toBeGreaterThan(0);
    expect(caps.libvirtVersion).toMatch(/^\d+\.\d+/);
  });

  it('5a. an invalid request (name taken by a non-bridge device) is refused and touches nothing', async () => {
    const before = await hostPicture(mine);
    const error = await expectHostError(
      agent.setupNetworks({ networks: { [`${p}grn`]: { mtu: 9000 }, [v1]: { mtu: 9000 } } }),
      HostErrorCode.HOST_NETWORK_INVALID,
    );
    expect(error.message).toContain(`${v1}: the name is taken by a device that is not a bridge`);
    expect(await hostPicture(mine)).toEqual(before);
  });

  it('5b. a setup whose second network fails at apply time leaves the host exactly as before', async () => {
    const yel = `${p}yel`;
    const zed = `${p}zed`;
    const before = await hostPicture(mine);
    // (No STP toggle on the empty bridge here: the kernel turns an empty bridge's carrier off
    // when STP changes, a derived state no configuration call can set back.)
    // Validation passes; then, just before the second network's bridge is created, another
    // device takes its name (a race validation cannot see), so the kernel refuses that step.
    beforeStep = async (step) => {
      if (step.op === 'bridge-add' && step.dev === zed) {
        await run('ip', ['link', 'add', 'dev', zed, 'type', 'veth', 'peer', 'name', `${zed}p`]);
      }
    };
    try {
      const error = await expectHostError(
        agent.setupNetworks({
          networks: {
            [blue]: { mtu: 1500 },
            [red]: { remove: true },
            [yel]: { nic: v0, mtu: 4000 },
            [zed]: {},
          },
        }),
        HostErrorCode.SETUP_NETWORKS_ROLLBACK,
      );
      expect(error.detail).toMatch(/File exists/);
      expect(error.detail).toContain('host restored to its previous state');
    } finally {
      beforeStep = null;
      await run('ip', ['link', 'del', 'dev', zed]).catch(() => undefined);
    }
    expect(await hostPicture(mine)).toEqual(before);
    // The running config did not change either.
    const reports = await agent.reportNetworks([blue, red]);
    expect(reports[blue]?.mtu).toBe(9000);
    expect(reports[red]?.nic).toBe(v0);
  });

  it('a failure at the very last step is rolled back too', async () => {
    const before = await hostPicture(mine);
    beforeStep = (step) =>
      step.op === 'up' && step.dev === `${p}lst`
        ? Promise.reject(new Error('injected'))
        : Promise.resolve();
    try {
      await expectHostError(
        agent.setupNetworks({ networks: { [`${p}lst`]: { mtu: 9000 } } }),
        HostErrorCode.SETUP_NETWORKS_ROLLBACK,
      );
    } finally {
      beforeStep = null;
    }
    expect(await hostPicture(mine)).toEqual(before);
  });

  it('statistics: kernel counters of a bridge, and a clear error for a missing device', async () => {
    const c = await agent.deviceCounters(blue);
    expect(c.device).toBe(blue);
    expect(c.rxBytes).toBeGreaterThanOrEqual(0);
    expect(c.sampledAt).toBeLessThanOrEqual(Date.now());
    await expectHostError(agent.deviceCounters(`${p}none`), HostErrorCode.HOST_COMMAND_FAILED);
  });

  it('commitNetworkConfig persists what is running', async () => {
    await agent.commitNetworkConfig();
    const persisted = JSON.parse(
      await readFile(join(dir, 'state', 'persistent-networks.json'), 'utf8'),
    ) as {
      networks: Record<string, { mtu: number; nic: string | null }>;
    };
    expect(persisted.networks[blue]).toMatchObject({ mtu: 9000, nic: null });
    expect(persisted.networks[red]).toMatchObject({ mtu: 9000, nic: v0 });
  });

  it('a bridge lost behind the agent (host restart) comes back as the engine repairs it', async () => {
    await run('ip', ['link', 'del', 'dev', blue]);
    // What activation does (engine/activation.ts): report, see the drift, set the network up.
    const before = await agent.reportNetworks([blue]);
    const setup = { mtu: 9000 };
    const lost = before[blue];
    expect(lost?.exists).toBe(false);
    expect(lost && networkDrift(setup, lost).map((d) => d.field)).toEqual(['missing']);
    const reports = await agent.setupNetworks({ networks: { [blue]: setup } });
    expect(reports[blue]).toMatchObject({ exists: true, mtu: 9000 });
    const link = await ipLink(blue);
    expect(link?.mtu).toBe(9000);
    expect(link?.inet6_addr_gen_mode).toBe('none');
    expect(link?.addr_info).toEqual([]);
    expect((await ipLink(v0))?.master).toBe(red);
  });

  it('6. removal: the bridges are gone and the NIC is released', async () => {
    await agent.setupNetworks({ networks: { [blue]: { remove: true }, [red]: { remove: true } } });
    expect(await ipLink(blue)).toBeUndefined();
    expect(await ipLink(red)).toBeUndefined();
    expect((await ipLink(v0))?.master).toBeUndefined();
    // A foreign bridge is never removed.
    await run('ip', ['link', 'add', 'dev', `${p}frn`, 'type', 'bridge']);
    await expectHostError(
      agent.setupNetworks({ networks: { [`${p}frn`]: { remove: true } } }),
      HostErrorCode.HOST_NETWORK_INVALID,
    );
    expect(await ipLink(`${p}frn`)).toBeDefined();
  });
});
