// SPDX-License-Identifier: Apache-2.0
/**
 * Issue 17, must-shows 2 and 3 on OVN: two simulated hosts (own libvirtd, OVS userspace
 * datapath, ovn-controller, host agent over mutual TLS), chassis set up through their agents,
 * the SB DB of this machine's OVN central listening on the underlay only. One isolated network
 * (a logical switch with no localnet port) with a tiny guest on host B and one on host C; a
 * second isolated network with the same subnet and a guest on host C.
 *
 * - B's and C's guests ping each other across the Geneve tunnel, also with the largest ICMP
 *   payload the usable MTU (underlay − 58) allows, in one frame (no fragment);
 * - the guest on the other network reaches neither; no host address answers a guest (IPv4 on
 *   the underlay, IPv6 all-nodes: only guests reply);
 * - DHCP leases and DNS names come from OVN itself (DHCP_Options, DNS table), across hosts.
 *
 * Until VM placement lands the guests are started through the remote agents directly (the same
 * `domainStart` the engine's RunVm calls), not by RunVm.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { GENEVE_IPV4_OVERHEAD, type OvnSwitchSpec } from '../../libvirt/host-agent';
import type { GuestConsole } from '../support/guest-console';
import { claimRunPrefix, releaseRunPrefix, runDir } from '../support/run-prefix';
import {
  cleanOvnCentral,
  createOvnLab,
  eventually,
  type OvnLab,
  simGuestConsole,
  tinyOvnGuest,
} from './ovn-lab';
import { simHostsUnavailable, simOvnUnavailable, sweepSimHosts } from './sim-hosts';

const FAMILY = 'ov';
const unavailable = (await simHostsUnavailable()) ?? (await simOvnUnavailable());
if (unavailable) console.log(`ovn.test.ts skipped: ${unavailable}`);

let prefix = '';
let dir = '';
let lab: OvnLab | null = null;
const started: { host: number; uuid: string }[] = [];
const consoles: GuestConsole[] = [];
const net1 = randomUUID();
const net2 = randomUUID();
const nic = { g1: randomUUID(), g2: randomUUID(), g3: randomUUID() };
const MAC = { g1: '52:54:00:5e:00:01', g2: '52:54:00:5e:00:02', g3: '52:54:00:5e:00:03' };
let mtu = 0;
const t0 = Date.now();

const must = <T>(v: T | null | undefined): T => {
  if (v === null || v === undefined) throw new Error('not set up');
  return v;
};

describe.skipIf(Boolean(unavailable))('OVN isolated networks across simulated hosts', () => {
  beforeAll(async () => {
    const live = (p: string): boolean => {
      try {
        process.kill(Number(readFileSync(join('/tmp/aio-test-prefixes', p), 'utf8')), 0);
        return true;
      } catch {
        return false;
      }
    };
    await sweepSimHosts(FAMILY, live);
    prefix = claimRunPrefix(FAMILY);
    dir = runDir(prefix);
    lab = await createOvnLab(prefix, dir, ['b', 'c']);
  }, 240_000);

  afterAll(async () => {
    for (const c of consoles) c.close();
    const l = lab;
    if (l) {
      for (const s of started) {
        const agent = l.hosts[s.host]?.agent;
        await agent?.domainPowerOff(s.uuid).catch(() => undefined);
        await agent?.domainUndefine(s.uuid).catch(() => undefined);
      }
      await l.central.removeOvnSwitch?.(net1).catch(() => undefined);
      await l.central.removeOvnSwitch?.(net2).catch(() => undefined);
      const chassis = l.hosts.map((h) => h.chassis?.chassis ?? '');
      await l.destroy();
      await cleanOvnCentral(chassis);
    }
    if (prefix) releaseRunPrefix(prefix);
    console.log(`ovn.test.ts took ${Math.round((Date.now() - t0) / 1000)} s`);
  }, 120_000);

  it('each host is a chassis on its underlay address, set through its agent; bad input changes nothing', async () => {
    const l = must(lab);
    for (const h of l.hosts) {
      const c = must(h.chassis);
      expect(c.encapIp).toBe(h.sim.address);
      expect(c.remote).toBe(`tcp:${l.engineAddress}:6642`);
      expect(c.datapathType).toBe('netdev');
      expect(c.underlayMtu).toBe(1500);
    }
    mtu = must(l.hosts[0]?.chassis?.underlayMtu) - GENEVE_IPV4_OVERHEAD;
    expect(mtu).toBe(1442);
    // A tunnel address the host does not have is refused with a clear error, settings kept.
    const b = must(l.hosts[0]);
    await expect(
      b.agent.setupOvnChassis?.({ remote: `tcp:${l.engineAddress}:6642`, encapIp: '10.9.9.9' }),
    ).rejects.toMatchObject({ code: 'HOST_NETWORK_INVALID' });
    await expect(
      b.agent.setupOvnChassis?.({ remote: 'tcp:;rm -rf /:6642', encapIp: b.sim.address }),
    ).rejects.toMatchObject({ code: 'HOST_NETWORK_INVALID' });
    expect((await b.agent.reportOvnChassis?.())?.encapIp).toBe(b.sim.address);
    // Both chassis registered in the SB DB (over the underlay: the only address it listens on).
    const names = l.hosts.map((h) => must(h.chassis).chassis);
    await eventually(
      'both chassis in the SB DB',
      async () => {
        const { execFileSync } = await import('node:child_process');
        const out = execFileSync('ovn-sbctl', ['--bare', '--columns=name', 'list', 'chassis'], {
          encoding: 'utf8',
        });
        return names.every((n) => out.includes(n)) ? true : null;
      },
      30_000,
    );
  });

  it('an isolated network is a logical switch with no localnet port, DHCP and DNS from OVN (read back)', async () => {
    const l = must(lab);
    const dhcp = {
      cidr: '10.77.0.0/24',
      serverIp: '10.77.0.254',
      serverMac: '02:00:00:00:00:fe',
      leaseSeconds: 3600,
      domain: 'lab.test',
    };
    const spec1: OvnSwitchSpec = {
      networkId: net1,
      name: `${prefix}-blue`,
      mtu,
      dhcp,
      ports: [
        { id: nic.g1, mac: MAC.g1, ipv4: '10.77.0.1', names: ['g1', 'g1.lab.test'] },
        { id: nic.g2, mac: MAC.g2, ipv4: '10.77.0.2', names: ['g2', 'g2.lab.test'] },
      ],
    };
    const r1 = must(await l.central.setupOvnSwitch?.(spec1));
    // Converging again changes nothing (recovery re-runs it).
    const again = must(await l.central.setupOvnSwitch?.(spec1));
    expect(again).toEqual(r1);
    expect(r1.localnetPorts).toBe(0);
    expect(r1.mtu).toBe(1442);
    expect(r1.dhcpCidr).toBe('10.77.0.0/24');
    expect(r1.dhcpOptions).toMatchObject({
      mtu: '1442',
      server_id: '10.77.0.254',
      lease_time: '3600',
    });
    expect(r1.dnsRecords).toMatchObject({ g1: '10.77.0.1', 'g2.lab.test': '10.77.0.2' });
    expect(r1.ports.map((p) => p.id).sort()).toEqual([nic.g1, nic.g2].sort());
    // Bad input: refused, the switch unchanged.
    await expect(
      l.central.setupOvnSwitch?.({
        ...spec1,
        ports: [{ id: 'x', mac: MAC.g1, ipv4: null, names: [] }],
      }),
    ).rejects.toMatchObject({ code: 'HOST_NETWORK_INVALID' });
    await expect(
      l.central.setupOvnSwitch?.({
        ...spec1,
        ports: [{ id: nic.g1, mac: MAC.g1, ipv4: '10.77.0.1', names: ['a b'] }],
      }),
    ).rejects.toMatchObject({ code: 'HOST_NETWORK_INVALID' });
    expect(await l.central.reportOvnSwitch?.(net1)).toEqual(r1);
    // The second network: same subnet, static address, no DHCP.
    const r2 = must(
      await l.central.setupOvnSwitch?.({
        networkId: net2,
        name: `${prefix}-red`,
        mtu,
        dhcp: null,
        ports: [{ id: nic.g3, mac: MAC.g3, ipv4: '10.77.0.3', names: [] }],
      }),
    );
    expect(r2.localnetPorts).toBe(0);
    expect(r2.dhcpCidr).toBeNull();
  });

  it('guests on host B and host C get OVN DHCP leases and the usable MTU; ports bind on their chassis', async () => {
    const l = must(lab);
    const [b, c] = [must(l.hosts[0]), must(l.hosts[1])];
    const g1 = tinyOvnGuest(
      `${prefix}-g1`,
      dir,
      { port: nic.g1, mac: MAC.g1, mtu, tap: `${prefix}t1` },
      'dhcp',
    );
    const g2 = tinyOvnGuest(
      `${prefix}-g2`,
      dir,
      { port: nic.g2, mac: MAC.g2, mtu, tap: `${prefix}t2` },
      'dhcp',
    );
    const g3 = tinyOvnGuest(
      `${prefix}-g3`,
      dir,
      { port: nic.g3, mac: MAC.g3, mtu, tap: `${prefix}t3` },
      {
        address: '10.77.0.3',
        prefix: 24,
      },
    );
    await b.agent.domainStart(g1);
    started.push({ host: 0, uuid: g1.uuid });
    await c.agent.domainStart(g2);
    started.push({ host: 1, uuid: g2.uuid });
    await c.agent.domainStart(g3);
    started.push({ host: 1, uuid: g3.uuid });
    const report = await eventually(
      'ports bound on their chassis',
      async () => {
        const r = must(await l.central.reportOvnSwitch?.(net1));
        return r.ports.every((p) => p.chassis !== null && p.up) ? r : null;
      },
      60_000,
    );
    const where = Object.fromEntries(report.ports.map((p) => [p.id, p.chassis]));
    expect(where[nic.g1]).toBe(b.chassis?.chassis);
    expect(where[nic.g2]).toBe(c.chassis?.chassis);
    for (const [sim, name] of [
      [b.sim, g1.name],
      [c.sim, g2.name],
      [c.sim, g3.name],
    ] as const) {
      consoles.push(await simGuestConsole(sim, name));
    }
    const [c1, c2] = consoles as [GuestConsole, GuestConsole, GuestConsole];
    for (const [con, ip] of [
      [c1, '10.77.0.1/24'],
      [c2, '10.77.0.2/24'],
    ] as const) {
      const lease = await eventually(
        'a DHCP lease',
        async () => {
          const r = await con.run('cat /run/lease.eth0');
          return r.exitCode === 0 ? r.output.trim() : null;
        },
        90_000,
      );
      expect(lease).toBe(ip);
      expect((await con.run('cat /sys/class/net/eth0/mtu')).output.trim()).toBe('1442');
      const resolv = (await con.run('cat /etc/resolv.conf')).output;
      expect(resolv).toContain('nameserver 10.77.0.254');
      expect(resolv).toContain('search lab.test');
    }
  }, 240_000);

  it('they ping each other across hosts, the largest payload the MTU allows in one frame', async () => {
    const [c1] = consoles as [GuestConsole];
    expect((await c1.run('ping -c 3 -W 3 10.77.0.2', 30_000)).exitCode).toBe(0);
    // 1442 − 20 (IPv4) − 8 (ICMP) = 1414: one frame of exactly the MTU, sent with DF (Linux
    // sets DF on what fits the path MTU) through a 1500-byte underlay that carries no more.
    const largest = mtu - 28;
    const tx = async (): Promise<number> =>
      Number((await c1.run('cat /sys/class/net/eth0/statistics/tx_packets')).output.trim());
    const before = await tx();
    const big = await c1.run(`ping -c 1 -W 3 -s ${largest} 10.77.0.2`, 30_000);
    const sent = (await tx()) - before;
    expect(big.exitCode, big.output).toBe(0);
    expect(big.output).toContain(`${largest + 8} bytes from 10.77.0.2`);
    // One echo request frame (plus at most one ARP/ND frame): not fragmented.
    expect(sent).toBeLessThanOrEqual(2);
    const before2 = await tx();
    await c1.run(`ping -c 1 -W 3 -s ${largest + 1} 10.77.0.2`, 30_000);
    // One byte more must be fragmented by the guest (2 frames): the MTU is the real limit.
    expect((await tx()) - before2).toBeGreaterThanOrEqual(2);
  }, 120_000);

  it('names resolve across hosts through OVN DNS', async () => {
    const [c1, c2] = consoles as [GuestConsole, GuestConsole];
    // busybox resolves through /etc/resolv.conf: the server is OVN's address on the switch.
    const r1 = await c1.run('ping -c 1 -W 3 g2.lab.test', 30_000);
    expect(r1.exitCode, r1.output).toBe(0);
    expect(r1.output).toContain('PING g2.lab.test (10.77.0.2)');
    const r2 = await c2.run('ping -c 2 -W 3 g1', 30_000);
    expect(r2.exitCode, r2.output).toBe(0);
    expect(r2.output).toContain('from 10.77.0.1');
  }, 90_000);

  it('a guest on another isolated network (same subnet) reaches neither of them', async () => {
    const [, , c3] = consoles as [GuestConsole, GuestConsole, GuestConsole];
    for (const ip of ['10.77.0.1', '10.77.0.2', '10.77.0.254']) {
      const r = await c3.run(`ping -c 2 -W 2 ${ip}`, 30_000);
      expect(r.exitCode, r.output).not.toBe(0);
    }
  }, 90_000);

  it('no host address answers a guest: underlay IPv4 (even with a route) and IPv6 all-nodes', async () => {
    const l = must(lab);
    const [c1, , c3] = consoles as [GuestConsole, GuestConsole, GuestConsole];
    const net = l.underlay.net;
    for (const con of [c1, c3]) {
      // Give the guest a route to the underlay: any answer could only come from a host.
      await con.run(`ip route replace ${net}.0/24 dev eth0`);
      for (const host of [`${net}.1`, `${net}.2`, `${net}.3`]) {
        const r = await con.run(`ping -c 2 -W 2 ${host}`, 30_000);
        expect(r.exitCode, `${host}: ${r.output}`).not.toBe(0);
      }
      const six = (await con.run('ping -6 -c 3 -W 2 ff02::1%eth0', 30_000)).output;
      const from = [...six.matchAll(/bytes from (fe80::[0-9a-f:]+?):? seq=/g)].map((m) => m[1]);
      // Only guests' link-local addresses (EUI-64 of 52:54:00:5e:00:0N) answer.
      expect(from.length, six).toBeGreaterThan(0);
      for (const a of from) expect(a).toMatch(/^fe80::5054:ff:fe5e:[0-9a-f]+$/);
    }
  }, 180_000);
});
