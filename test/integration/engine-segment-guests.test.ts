// SPDX-License-Identifier: Apache-2.0
/**
 * Issue 12 through the engine on the real host: an isolated network with an address plan,
 * deployed by the engine (bridge + namespace + dnsmasq), two VMs whose vNICs get their
 * addresses and names from the engine's plan, and two "tiny" guests with those vNICs asking
 * DHCP (`aio.ip=eth0:dhcp`). Shows: each guest gets the engine's lease, they resolve each
 * other by `<vm-name>.<domain>` and ping by name, the leases show through the API
 * (GetNetworkSegment, oVirt's reported devices); the host holds no address on the segment
 * and the service answers only DNS (must-show 2); with the plan off there is no dnsmasq or
 * namespace for the network and DHCP gets nothing (must-show 3). Checked out of band.
 * The guests are started by RunVm with `initialization.nic_configurations` eth0 `dhcp` (the
 * tiny guest gets `aio.ip=eth0:dhcp` on its kernel command line).
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { run, runJson } from '../../libvirt/exec';
import { LocalHostAgent } from '../../libvirt/local-host-agent';
import { hostPortOf, namespaceOf } from '../../libvirt/segment/names';
import type { Network } from '../../main/contract/networks';
import type { VmNic } from '../../main/contract/vms';
import { ADMIN, type Harness, must, startHarness } from '../fixtures/engine-harness';
import { GuestConsole, waitForTinyReady } from '../support/guest-console';
import { hostPrimaryIpv4, ipLink } from '../support/host-inspect';
import {
  claimRunPrefix,
  hostTestSkipReason,
  releaseRunPrefix,
  runDir,
  sweepStale,
} from '../support/run-prefix';

const FAMILY = 'se';
const SERVICE = '10.79.0.254';
const skip = hostTestSkipReason();
if (skip) console.log(`engine-segment-guests.test.ts skipped: ${skip}`);

async function namespaces(): Promise<string[]> {
  const list = (await runJson('ip', ['-json', 'netns', 'list']).catch(() => [])) as {
    name: string;
  }[];
  return list.map((n) => n.name);
}

async function dnsmasqPids(fragment: string): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const argv = await readFile(`/proc/${entry}/cmdline`, 'utf8');
      if (argv.startsWith('dnsmasq\0') && argv.includes(fragment)) pids.push(Number(entry));
    } catch {
      // ended meanwhile
    }
  }
  return pids;
}

/** Every address of a host link, IPv4 and IPv6 (link-local included), from `ip -json addr`. */
async function addressesOf(dev: string): Promise<string[]> {
  const list = (await runJson('ip', ['-json', 'addr', 'show', 'dev', dev]).catch(() => [])) as {
    addr_info?: { local: string; prefixlen: number }[];
  }[];
  return list.flatMap((l) => (l.addr_info ?? []).map((a) => `${a.local}/${a.prefixlen}`));
}

describe.skipIf(Boolean(skip))('segment services driven by the engine (real host)', () => {
  const p = claimRunPrefix(FAMILY);
  const dir = runDir(p);
  const stateDir = join(dir, 'host-state');
  let agent: LocalHostAgent;
  let h: Harness;
  let net: Network;
  interface Guest {
    vmId: string;
    name: string;
    nic: VmNic;
    ip: string;
    serialLog: string;
    console?: GuestConsole;
  }
  const guests: Guest[] = [];
  const sh = (g: Guest | undefined, command: string): ReturnType<GuestConsole['run']> => {
    if (g?.console === undefined) throw new Error('no console');
    return g.console.run(command, 30_000);
  };

  beforeAll(async () => {
    await sweepStale(FAMILY);
    for (const ns of await namespaces()) {
      const m = /^aio-seg-(se[0-9a-z]{3})/.exec(ns);
      if (m?.[1] !== undefined && m[1] !== p) {
        const alive = await readFile(`/tmp/aio-test-prefixes/${m[1]}`).then(
          () => true,
          () => false,
        );
        if (!alive) await run('ip', ['netns', 'del', ns]).catch(() => undefined);
      }
    }
    agent = new LocalHostAgent({ stateDir });
    h = await startHarness(agent, join(dir, 'engine'));
    net = await h.ok('AddNetwork', {
      name: `${p}lab`,
      dataCenter: { name: 'Default' },
      isolated: true,
      addressPlan: {
        subnet: { cidr: '10.79.0.0/24' },
        dhcpRange: { start: '10.79.0.100', end: '10.79.0.150' },
        dnsDomain: 'lab.test',
      },
    });
    await h.ok('AttachNetworkToCluster', { cluster: { name: 'Default' }, network: { id: net.id } });
    const profile = must(
      (await h.ok('GetVnicProfilesByNetworkId', { networkId: net.id }))[0],
      'profile',
    );
    for (const key of ['a', 'b']) {
      const vm = await h.ok('AddVm', {
        name: `${p}-${key}`,
        cluster: { name: 'Default' },
        template: { name: 'tiny' },
        initialization: {
          nicConfigurations: [{ name: 'eth0', bootProtocol: 'dhcp', onBoot: true }],
        },
      });
      const nic = await h.ok('AddVmInterface', {
        vmId: vm.id,
        name: 'nic1',
        vnicProfileId: profile.id,
      });
      guests.push({
        vmId: vm.id,
        name: vm.name,
        nic,
        ip: '',
        serialLog: join(h.dir, 'vms', vm.id, 'serial.log'),
      });
    }
    // The engine's plan reaches the host (the watcher reloads dnsmasq after the vNIC commands).
    for (let i = 0; i < 150; i++) {
      if ((await h.ok('GetNetworkSegment', { id: net.id })).leases.length === 2) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const seg = await h.ok('GetNetworkSegment', { id: net.id });
    for (const g of guests)
      g.ip = must(seg.leases.find((l) => l.mac === g.nic.mac.toLowerCase()) ?? null, 'lease').ip;
    for (const g of guests) await h.ok('RunVm', { id: g.vmId });
    for (const g of guests) {
      const ready = await waitForTinyReady(g.serialLog, 180_000);
      expect(ready.nics).toEqual([{ nic: 'eth0', cidr: `${g.ip}/24`, mtu: 1500 }]);
      g.console = await GuestConsole.open(await agent.domainConsole(g.vmId));
    }
  });

  afterAll(async () => {
    try {
      for (const g of guests) g.console?.close();
      if (h !== undefined) {
        for (const g of guests) {
          await h.engine.invoke(ADMIN, 'StopVm', { id: g.vmId });
          await h.engine.invoke(ADMIN, 'RemoveVm', { id: g.vmId });
        }
        if (net !== undefined) {
          const clusterId = must((await h.ok('GetAllClusters', {}))[0], 'cluster').id;
          await h.engine.invoke(ADMIN, 'DetachNetworkFromCluster', {
            clusterId,
            networkId: net.id,
          });
          await h.engine.invoke(ADMIN, 'RemoveNetwork', { id: net.id });
        }
        await h.close();
      }
    } finally {
      if (net !== undefined) {
        await agent?.setupSegmentServices(net.vdsmName, null).catch(() => undefined);
        if (await ipLink(net.vdsmName)) await run('ip', ['link', 'del', net.vdsmName]);
      }
      await agent?.close();
      releaseRunPrefix(p);
    }
  });

  it('each guest got the address the engine planned for its vNIC, shown through the API', async () => {
    const [a, b] = guests;
    expect(new Set(guests.map((g) => g.ip)).size).toBe(2);
    for (const g of guests) {
      expect((await sh(g, 'ip -4 -o addr show dev eth0')).output).toContain(`${g.ip}/24`);
      expect((await sh(g, 'cat /etc/resolv.conf')).output).toContain(`nameserver ${SERVICE}`);
    }
    const seg = await h.ok('GetNetworkSegment', { id: net.id });
    expect(seg).toMatchObject({ enabled: true, running: true, serviceAddress: SERVICE });
    for (const g of [a, b]) {
      expect(seg.leases).toContainEqual(
        expect.objectContaining({ ip: must(g ?? null, 'g').ip, leased: true, vmName: g?.name }),
      );
    }
    // oVirt's reported devices of a running VM: the vNIC with the address it holds.
    await expect
      .poll(async () => (await h.ok('GetVmById', { id: must(a ?? null, 'a').vmId })).status)
      .toBe('up');
    const devices = await h.ok('GetVmReportedDevices', { id: must(a ?? null, 'a').vmId });
    expect(devices).toEqual([
      expect.objectContaining({
        name: 'nic1',
        mac: a?.nic.mac.toLowerCase(),
        ips: [{ address: a?.ip, version: 'v4' }],
      }),
    ]);
  });

  it('the guests resolve each other as <vm-name>.<domain> and ping by name', async () => {
    const [a, b] = guests;
    const lookup = await sh(a, `nslookup ${b?.name ?? ''}.lab.test`);
    expect(lookup.exitCode).toBe(0);
    expect(lookup.output).toContain(b?.ip);
    const ping = await sh(a, `ping -c 2 -W 3 ${b?.name ?? ''}.lab.test`);
    expect(ping.exitCode).toBe(0);
    expect(ping.output).toContain(`bytes from ${b?.ip ?? ''}`);
    expect((await sh(b, `ping -c 2 -W 3 ${a?.name ?? ''}`)).exitCode).toBe(0);
  });

  it('a renamed VM answers under its new name after a reload (dnsmasq not restarted)', async () => {
    const [a, b] = guests;
    const before = await dnsmasqPids(join(stateDir, 'segments', net.vdsmName));
    expect(before).toHaveLength(1);
    await h.ok('UpdateVm', { id: must(b ?? null, 'b').vmId, name: `${p}-renamed` });
    await expect
      .poll(async () => (await sh(a, `nslookup ${p}-renamed.lab.test`)).output, {
        timeout: 15_000,
      })
      .toContain(b?.ip);
    expect(await dnsmasqPids(join(stateDir, 'segments', net.vdsmName))).toEqual(before);
  });

  it('must-show 2: the host has no address on the segment; the service answers only DNS', async () => {
    const [a] = guests;
    expect(await addressesOf(net.vdsmName)).toEqual([]);
    expect(await addressesOf(hostPortOf(net.vdsmName))).toEqual([]);
    for (const port of [22, 80, 8443]) {
      expect(
        (await sh(a, `nc -w 2 ${SERVICE} ${port} </dev/null`)).exitCode,
        `port ${port}`,
      ).not.toBe(0);
    }
    expect((await sh(a, `nc -w 3 ${SERVICE} 53 </dev/null`)).exitCode).toBe(0);
    expect((await sh(a, `ping -c 2 -W 2 ${SERVICE}`)).exitCode).not.toBe(0);
    expect((await sh(a, `ping -c 2 -W 2 ${await hostPrimaryIpv4()}`)).exitCode).not.toBe(0);
  });

  it('must-show 3: with the plan off (UpdateNetwork), no dnsmasq, no namespace, DHCP gets nothing', async () => {
    const [a] = guests;
    const updated = await h.ok('UpdateNetwork', { id: net.id, addressPlan: null });
    expect(updated.addressPlan ?? null).toBeNull();
    expect(await namespaces()).not.toContain(namespaceOf(net.vdsmName));
    expect(await ipLink(hostPortOf(net.vdsmName))).toBeUndefined();
    expect(await dnsmasqPids(join(stateDir, 'segments', net.vdsmName))).toEqual([]);
    const ask = await sh(a, 'udhcpc -i eth0 -n -q -t 3 -T 1 -s /bin/true');
    expect(ask.exitCode).not.toBe(0);
    expect(ask.output).not.toMatch(/lease of .* obtained/);
    expect((await h.ok('GetNetworkSegment', { id: net.id })).enabled).toBe(false);
  });
});
