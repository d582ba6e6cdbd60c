// SPDX-License-Identifier: Apache-2.0
/**
 * Issue 17 bench rows for OVN networks, on simulated hosts (test/multihost/ovn-lab.ts):
 *
 * 1. time to deploy an isolated network spanning 1, 2 and 3 hosts: from the NB call
 *    (setupOvnSwitch with one port per host) until every port is bound and up on its chassis
 *    (ports bound by an OVS internal interface with that iface-id on each host's br-int: the
 *    same binding a VM's tap gets, without booting guests);
 * 2. ping latency and TCP throughput between two tiny guests on different hosts (Geneve) vs
 *    two guests on the same host (same logical switch). Throughput is busybox-only (the tiny
 *    guest has no iperf3): `dd if=/dev/zero | nc` into `nc -l > /dev/null`, timed in the guest.
 *
 * Run as root: `npx tsx test/bench/ovn.ts` (about 5 minutes under TCG). Prints a table.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';

import { GENEVE_IPV4_OVERHEAD, type OvnSwitchSpec } from '../../libvirt/host-agent';
import {
  cleanOvnCentral,
  createOvnLab,
  eventually,
  simGuestConsole,
  tinyOvnGuest,
} from '../multihost/ovn-lab';
import { sweepSimHosts } from '../multihost/sim-hosts';
import type { GuestConsole } from '../support/guest-console';
import { claimRunPrefix, releaseRunPrefix, runDir } from '../support/run-prefix';

const MB = 16;

const must = <T>(v: T | undefined): T => {
  if (v === undefined) throw new Error('missing');
  return v;
};

async function deployRow(
  lab: Awaited<ReturnType<typeof createOvnLab>>,
  hosts: number,
): Promise<number> {
  const networkId = randomUUID();
  const ports = Array.from({ length: hosts }, (_, i) => ({
    id: randomUUID(),
    mac: `52:54:00:5f:00:${(i + 1).toString(16).padStart(2, '0')}`,
    ipv4: null,
    names: [],
  }));
  const t0 = performance.now();
  await lab.central.setupOvnSwitch?.({
    networkId,
    name: `bench-${hosts}`,
    mtu: 1442,
    dhcp: null,
    ports,
  });
  await Promise.all(
    ports.map(async (p, i) =>
      must(lab.hosts[i]).sim.exec('ovs-vsctl', [
        'add-port',
        'br-int',
        `bp${i}`,
        '--',
        'set',
        'interface',
        `bp${i}`,
        'type=internal',
        `external_ids:iface-id=${p.id}`,
      ]),
    ),
  );
  await eventually(
    `${hosts} ports up`,
    async () => {
      const r = await lab.central.reportOvnSwitch?.(networkId);
      return r && r.ports.length === hosts && r.ports.every((p) => p.up && p.chassis) ? true : null;
    },
    120_000,
  );
  const ms = performance.now() - t0;
  for (const [i] of ports.entries())
    await must(lab.hosts[i]).sim.exec('ovs-vsctl', ['del-port', 'br-int', `bp${i}`]);
  await lab.central.removeOvnSwitch?.(networkId);
  return ms;
}

/** Average RTT (ms) of 20 pings. */
async function rtt(from: GuestConsole, to: string): Promise<number> {
  const r = await from.run(`ping -c 20 -i 0.2 -W 2 ${to}`, 60_000);
  const m = /min\/avg\/max = [\d.]+\/([\d.]+)\//.exec(r.output);
  return m ? Number(m[1]) : Number.NaN;
}

/** Centiseconds since boot in the guest (busybox `date` has no %N). */
const NOW = "$(sed 's/ .*//;s/\\.//' /proc/uptime)";

/** MB/s of `MB` MiB pushed from `from` to `to` (listening there) with busybox nc. */
async function throughput(from: GuestConsole, to: GuestConsole, ip: string): Promise<number> {
  await to.run('(nc -l -p 5001 >/dev/null 2>&1 &)');
  await new Promise((r) => setTimeout(r, 1000));
  const r = await from.run(
    `s=${NOW}; dd if=/dev/zero bs=64k count=${MB * 16} 2>/dev/null | nc -w 10 ${ip} 5001; e=${NOW}; echo T=$((e - s))`,
    60_000,
  );
  const cs = Number(/T=(\d+)/.exec(r.output)?.[1] ?? 'NaN');
  return MB / (cs / 100);
}

async function main(): Promise<void> {
  await sweepSimHosts('ob', () => false);
  const prefix = claimRunPrefix('ob');
  const dir = runDir(prefix);
  const lab = await createOvnLab(prefix, dir, ['b', 'c', 'd']);
  const rows: [string, string][] = [];
  const started: { host: number; uuid: string }[] = [];
  const consoles: GuestConsole[] = [];
  const networkId = randomUUID();
  let failed: unknown = null;
  try {
    for (const n of [1, 2, 3])
      rows.push([
        `deploy network spanning ${n} host(s)`,
        `${(await deployRow(lab, n)).toFixed(0)} ms`,
      ]);
    const mtu = (lab.hosts[0]?.chassis?.underlayMtu ?? 1500) - GENEVE_IPV4_OVERHEAD;
    const nics = [1, 2, 3].map((i) => ({
      id: randomUUID(),
      mac: `52:54:00:5f:01:0${i}`,
      ip: `10.79.0.${i}`,
    }));
    const spec: OvnSwitchSpec = {
      networkId,
      name: 'bench',
      mtu,
      dhcp: null,
      ports: nics.map((n) => ({ id: n.id, mac: n.mac, ipv4: n.ip, names: [] })),
    };
    await lab.central.setupOvnSwitch?.(spec);
    // g1 and g3 on host B, g2 on host C.
    const placement = [0, 1, 0];
    for (const [i, n] of nics.entries()) {
      const host = placement[i] ?? 0;
      const d = tinyOvnGuest(
        `${prefix}-g${i + 1}`,
        dir,
        { port: n.id, mac: n.mac, mtu, tap: `${prefix}t${i + 1}` },
        {
          address: n.ip,
          prefix: 24,
        },
      );
      await lab.hosts[host]?.agent.domainStart(d);
      started.push({ host, uuid: d.uuid });
      consoles.push(await simGuestConsole(must(lab.hosts[host]).sim, d.name));
    }
    const [g1, g2, g3] = consoles as [GuestConsole, GuestConsole, GuestConsole];
    await rtt(g1, '10.79.0.2');
    await rtt(g1, '10.79.0.3');
    rows.push([
      'ping RTT, guests on two hosts (Geneve)',
      `${(await rtt(g1, '10.79.0.2')).toFixed(2)} ms`,
    ]);
    rows.push(['ping RTT, guests on one host', `${(await rtt(g1, '10.79.0.3')).toFixed(2)} ms`]);
    rows.push([
      'TCP throughput, two hosts (busybox nc)',
      `${(await throughput(g1, g2, '10.79.0.2').catch(() => Number.NaN)).toFixed(1)} MB/s`,
    ]);
    rows.push([
      'TCP throughput, one host (busybox nc)',
      `${(await throughput(g1, g3, '10.79.0.3').catch(() => Number.NaN)).toFixed(1)} MB/s`,
    ]);
  } catch (e) {
    failed = e;
  } finally {
    for (const c of consoles) c.close();
    for (const s of started) {
      await lab.hosts[s.host]?.agent.domainPowerOff(s.uuid).catch(() => undefined);
      await lab.hosts[s.host]?.agent.domainUndefine(s.uuid).catch(() => undefined);
    }
    await lab.central.removeOvnSwitch?.(networkId).catch(() => undefined);
    const chassis = lab.hosts.map((h) => h.chassis?.chassis ?? '');
    await lab.destroy();
    await cleanOvnCentral(chassis);
    releaseRunPrefix(prefix);
  }
  console.log('| OVN (userspace datapath, TCG guests) | value |\n|---|---|');
  for (const [k, v] of rows) console.log(`| ${k} | ${v} |`);
  if (failed) throw failed instanceof Error ? failed : new Error('bench failed');
  console.log(`(work dir ${join(dir)})`);
}

await main();
process.exit(0);
