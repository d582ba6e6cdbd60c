// SPDX-License-Identifier: Apache-2.0
/**
 * DHCP and DNS on an isolated network, served from the segment and not from the host
 * (issue 12, "What it must show" 2 and 3, host layer): a network namespace joined to the bridge
 * by a veth pair, dnsmasq inside it. Two "tiny" guests ask DHCP, get their static leases by
 * MAC, resolve and ping each other by name; the host holds no address on the segment and the
 * service answers nothing but DHCP and DNS. Everything is checked out of band (`ip -json`,
 * /proc, `nft`) and from the guests' consoles. Failures injected mid-build leave nothing behind.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { run, runJson } from '../../libvirt/exec';
import {
  type DomainDesc,
  networkDrift,
  type SegmentPlan,
  tinyAddressesFor,
} from '../../libvirt/host-agent';
import { LocalHostAgent } from '../../libvirt/local-host-agent';
import { isNic } from '../../libvirt/network/host-facts';
import { BUILD_STEPS, type BuildStep } from '../../libvirt/segment/apply';
import { hostPortOf, namespaceOf } from '../../libvirt/segment/names';
import { TINY_GUEST_MEMORY_MIB } from '../../libvirt/tiny-guest';
import { HostError, HostErrorCode } from '../../main/contract/errors';
import { GuestConsole, waitForTinyReady } from '../support/guest-console';
import { hostPrimaryIpv4, ipLink, linkLocalFromMac } from '../support/host-inspect';
import {
  claimRunPrefix,
  hostTestSkipReason,
  releaseRunPrefix,
  runDir,
  sweepStale,
} from '../support/run-prefix';

const FAMILY = 'sg';
const SERVICE = '10.78.0.254';

function randomMac(): string {
  return `52:54:00:${[...randomBytes(3)].map((b) => b.toString(16).padStart(2, '0')).join(':')}`;
}

async function namespaces(): Promise<string[]> {
  const list = (await runJson('ip', ['-json', 'netns', 'list'])) as { name: string }[];
  return list.map((n) => n.name);
}

/** Pids of every dnsmasq whose command line mentions `fragment` (its config path). */
async function dnsmasqPids(fragment: string): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const argv = await readFile(`/proc/${entry}/cmdline`, 'utf8');
      if (argv.startsWith('dnsmasq\0') && argv.includes(fragment)) pids.push(Number(entry));
    } catch {
      // the process ended meanwhile
    }
  }
  return pids;
}

/** Addresses of a host link (IPv4 and IPv6, link-local included); [] when it is missing. */
async function addressesOf(dev: string): Promise<string[]> {
  const link = await ipLink(dev);
  return (link?.addr_info ?? []).map((a) => `${a.local}/${a.prefixlen}`);
}

/** Remove namespaces of dead runs of this family (the run-prefix sweep knows only links). */
async function sweepNamespaces(live: string): Promise<void> {
  for (const ns of await namespaces()) {
    const m = /^aio-seg-(sg[0-9a-z]{3})/.exec(ns);
    if (m?.[1] !== undefined && m[1] !== live) {
      try {
        await readFile(`/tmp/aio-test-prefixes/${m[1]}`);
      } catch {
        await run('ip', ['netns', 'del', ns]).catch(() => undefined);
      }
    }
  }
}

const skip = hostTestSkipReason();
if (skip) console.log(`segment-services.test.ts skipped: ${skip}`);
// The network layer (libvirt/network/) must treat the service's veth like a VM tap; until it
// does (notes/segment-network-layer.patch), that one test says why it skips.
const networkLayerSkip = isNic({
  name: hostPortOf('x'),
  index: 1,
  kind: 'veth',
  linkType: 'ether',
  mac: '',
  mtu: 1500,
  maxMtu: 1500,
  up: true,
  lowerUp: true,
  master: null,
  stp: null,
  addrGenMode: null,
  ipv4: [],
  ipv6: [],
  sysctl: null,
})
  ? 'libvirt/network does not know segment ports yet (apply notes/segment-network-layer.patch)'
  : false;
if (networkLayerSkip)
  console.log(`segment-services.test.ts: one test skipped: ${networkLayerSkip}`);

describe.skipIf(Boolean(skip))('segment services (DHCP + DNS in a namespace)', () => {
  const p = claimRunPrefix(FAMILY);
  const dir = runDir(p);
  const stateDir = join(dir, 'state');
  const br = `${p}seg`;
  const spare = `${p}sp`;
  let armed: BuildStep | null = null;
  let agent: LocalHostAgent;

  const macA = randomMac();
  const macB = randomMac();
  const nameA = `${p}-a`;
  const nameB = `${p}-b`;
  const plan: SegmentPlan = {
    cidr: '10.78.0.0/24',
    ipVersion: 'v4',
    dnsDomain: 'lab.test',
    dhcpRange: { start: '10.78.0.100', end: '10.78.0.150' },
    serviceAddress: SERVICE,
    staticLeases: [
      { mac: macA, ip: '10.78.0.11', hostname: nameA },
      { mac: macB, ip: '10.78.0.12', hostname: nameB },
    ],
    names: [
      { name: nameA, ip: '10.78.0.11' },
      { name: nameB, ip: '10.78.0.12' },
    ],
  };

  const expectNothingLeft = async (network: string): Promise<void> => {
    expect(await namespaces()).not.toContain(namespaceOf(network));
    expect(await ipLink(hostPortOf(network))).toBeUndefined();
    expect(await dnsmasqPids(join(stateDir, 'segments', network))).toEqual([]);
  };

  beforeAll(async () => {
    await sweepStale(FAMILY);
    await sweepNamespaces(p);
    agent = new LocalHostAgent(
      { stateDir },
      {
        segmentHooks: {
          beforeStep: (step) => {
            if (step === armed) {
              armed = null;
              return Promise.reject(new Error(`injected failure before ${step}`));
            }
            return Promise.resolve();
          },
        },
      },
    );
    await agent.setupNetworks({ networks: { [br]: { mtu: 1500 }, [spare]: { mtu: 9000 } } });
  });

  afterAll(async () => {
    for (const n of [br, spare]) await agent.setupSegmentServices(n, null).catch(() => undefined);
    await agent
      .setupNetworks({ networks: { [br]: { remove: true }, [spare]: { remove: true } } })
      .catch(() => undefined);
    await agent.close();
    releaseRunPrefix(p);
  });

  describe('without guests', () => {
    it('refuses a bad plan and a missing bridge with HOST_NETWORK_INVALID, touching nothing', async () => {
      const bad: SegmentPlan[] = [
        { ...plan, cidr: '10.78.0.5/24' },
        { ...plan, ipVersion: 'v6' },
        { ...plan, staticLeases: [{ mac: 'nope', ip: '10.78.0.11' }] },
        { ...plan, dnsDomain: 'lab.test\nserver=8.8.8.8' },
        { ...plan, serviceAddress: '10.78.0.120' },
      ];
      for (const b of bad) {
        await expect(agent.setupSegmentServices(spare, b)).rejects.toMatchObject({
          code: HostErrorCode.HOST_NETWORK_INVALID,
        });
      }
      await expect(agent.setupSegmentServices(`${p}none`, plan)).rejects.toMatchObject({
        code: HostErrorCode.HOST_NETWORK_INVALID,
      });
      await expectNothingLeft(spare);
    });

    it.each(BUILD_STEPS.filter((s) => s !== 'files'))(
      'a failure before step %s leaves no namespace, veth or dnsmasq behind',
      async (step) => {
        armed = step;
        const error = await agent.setupSegmentServices(spare, plan).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(HostError);
        expect((error as HostError).code).toBe(HostErrorCode.SETUP_NETWORKS_ROLLBACK);
        expect((error as HostError).detail).toContain('nothing left behind');
        await expectNothingLeft(spare);
        expect((await agent.reportSegmentServices(spare)).enabled).toBe(false);
      },
    );

    it('builds the service on a bridge: MTU of the bridge, no host address, filtered namespace', async () => {
      const report = await agent.setupSegmentServices(spare, plan);
      expect(report).toMatchObject({
        running: true,
        namespace: namespaceOf(spare),
        serviceAddress: `${SERVICE}/24`,
        hostPortMaster: spare,
        hostPortAddresses: [],
        listening: { dhcp: true, dns: true },
        problems: [],
      });
      // Out of band: the host end has no address of any kind, IPv6 is off on it, MTU follows.
      const port = hostPortOf(spare);
      expect(await addressesOf(port)).toEqual([]);
      expect(await addressesOf(spare)).toEqual([]);
      expect((await readFile(`/proc/sys/net/ipv6/conf/${port}/disable_ipv6`, 'utf8')).trim()).toBe(
        '1',
      );
      expect((await ipLink(port))?.mtu).toBe(9000);
      const ns = namespaceOf(spare);
      const forwarding = await run('ip', [
        'netns',
        'exec',
        ns,
        'sysctl',
        '-n',
        'net.ipv4.ip_forward',
      ]);
      expect(forwarding.stdout.trim()).toBe('0');
      const rules = await run('ip', ['netns', 'exec', ns, 'nft', 'list', 'ruleset']);
      expect(rules.stdout).toMatch(/policy drop/);
      // The only address in the namespace besides loopback is the service's.
      const inNs = (await runJson('ip', ['-n', ns, '-json', 'addr', 'show'])) as {
        ifname: string;
        addr_info: { local: string }[];
      }[];
      const addrs = inNs
        .flatMap((l) => l.addr_info.map((a) => a.local))
        .filter((a) => a !== '127.0.0.1');
      expect(addrs).toEqual([SERVICE]);
    });

    it.skipIf(Boolean(networkLayerSkip))(
      'the network layer keeps the service port: setupNetworks, MTU change, drift, capabilities',
      async () => {
        const port = hostPortOf(spare);
        const changed = await agent.setupNetworks({ networks: { [spare]: { mtu: 1500 } } });
        expect(changed[spare]?.otherPorts ?? []).toEqual([]);
        expect(changed[spare]?.nic).toBeNull();
        expect((await ipLink(port))?.master).toBe(spare);
        expect((await ipLink(port))?.mtu).toBe(1500);
        const reported = (await agent.reportNetworks([spare]))[spare];
        if (reported === undefined) throw new Error('no report');
        expect(networkDrift({ mtu: 1500 }, reported)).toEqual([]);
        expect((await agent.getCapabilities()).nics.map((n) => n.name)).not.toContain(port);
        // Back to the bridge MTU the other tests expect.
        await agent.setupNetworks({ networks: { [spare]: { mtu: 9000 } } });
        expect((await ipLink(port))?.mtu).toBe(9000);
        expect((await agent.reportSegmentServices(spare)).running).toBe(true);
      },
    );

    it('a failed change restores the previous service', async () => {
      const before = await agent.reportSegmentServices(spare);
      armed = 'join-bridge';
      const error = await agent
        .setupSegmentServices(spare, { ...plan, serviceAddress: '10.78.0.253' })
        .catch((e: unknown) => e);
      expect((error as HostError).code).toBe(HostErrorCode.SETUP_NETWORKS_ROLLBACK);
      expect((error as HostError).detail).toContain('previous service restored');
      const after = await agent.reportSegmentServices(spare);
      expect(after.running).toBe(true);
      expect(after.serviceAddress).toBe(before.serviceAddress);
    });

    it('a changed DHCP option restarts dnsmasq with the new configuration', async () => {
      const before = await agent.reportSegmentServices(spare);
      const after = await agent.setupSegmentServices(spare, { ...plan, leaseSeconds: 600 });
      expect(after.running).toBe(true);
      expect(after.dnsmasqPid).not.toBe(before.dnsmasqPid);
      expect(await dnsmasqPids(join(stateDir, 'segments', spare))).toEqual([after.dnsmasqPid]);
      const conf = await readFile(join(stateDir, 'segments', spare, 'dnsmasq.conf'), 'utf8');
      expect(conf).toContain(',600\n');
    });

    it('is re-created from the recorded plan after the host lost it', async () => {
      // Out of band, as a host restart would: kill dnsmasq, delete the namespace and veth.
      for (const pid of await dnsmasqPids(join(stateDir, 'segments', spare)))
        process.kill(pid, 'SIGKILL');
      await run('ip', ['link', 'del', 'dev', hostPortOf(spare)]);
      await run('ip', ['netns', 'del', namespaceOf(spare)]);
      expect((await agent.reportSegmentServices(spare)).running).toBe(false);
      const fresh = new LocalHostAgent({ stateDir });
      try {
        const restored = await fresh.restoreSegmentServices();
        expect(restored[spare]?.running).toBe(true);
      } finally {
        await fresh.close();
      }
    });

    it('off means no service at all, and removing twice is fine', async () => {
      await agent.setupSegmentServices(spare, null);
      await agent.setupSegmentServices(spare, null);
      await expectNothingLeft(spare);
      expect(await agent.segmentLeases(spare)).toEqual([]);
    });
  });

  describe('with two tiny guests asking DHCP', () => {
    interface Guest {
      readonly desc: DomainDesc;
      readonly mac: string;
      readonly ip: string;
      readonly name: string;
      console?: GuestConsole;
    }
    const guest = (key: string, name: string, mac: string, ip: string): Guest => ({
      mac,
      ip,
      name,
      desc: {
        uuid: randomUUID(),
        name,
        memoryMiB: TINY_GUEST_MEMORY_MIB,
        vcpus: 1,
        // The same oVirt input a disk-image VM gets through cloud-init.
        boot: {
          kind: 'tiny',
          addresses: tinyAddressesFor(
            { nicConfigurations: [{ name: 'eth0', onBoot: true, bootProtocol: 'dhcp' }] },
            [{ name: 'eth0', mac }],
          ),
        },
        interfaces: [{ mac, bridge: br, mtu: 1500, model: 'virtio', tap: `${p}${key}0` }],
        serialLogPath: join(dir, `${key}.serial.log`),
      },
    });
    const A = guest('a', nameA, macA, '10.78.0.11');
    const B = guest('b', nameB, macB, '10.78.0.12');
    const sh = (g: Guest, command: string, timeoutMs = 30_000): ReturnType<GuestConsole['run']> => {
      if (g.console === undefined) throw new Error(`no console for ${g.name}`);
      return g.console.run(command, timeoutMs);
    };

    beforeAll(async () => {
      await agent.setupSegmentServices(br, plan);
      for (const g of [A, B]) await agent.domainStart(g.desc);
      for (const g of [A, B]) {
        const ready = await waitForTinyReady(g.desc.serialLogPath, 180_000);
        expect(ready.nics).toEqual([{ nic: 'eth0', cidr: `${g.ip}/24`, mtu: 1500 }]);
        g.console = await GuestConsole.open(await agent.domainConsole(g.desc.uuid));
      }
    });

    afterAll(async () => {
      for (const g of [A, B]) {
        g.console?.close();
        await agent.domainPowerOff(g.desc.uuid).catch(() => undefined);
        await agent.domainUndefine(g.desc.uuid).catch(() => undefined);
      }
    });

    it('each guest got its static lease by MAC, and the agent reports both leases', async () => {
      for (const g of [A, B]) {
        const { output } = await sh(g, 'ip -4 -o addr show dev eth0');
        expect(output).toContain(`${g.ip}/24`);
        expect((await sh(g, 'cat /etc/resolv.conf')).output).toContain(`nameserver ${SERVICE}`);
      }
      const leases = await agent.segmentLeases(br);
      expect(leases.map((l) => [l.mac, l.ip])).toEqual(
        [
          [macA, A.ip],
          [macB, B.ip],
        ].sort((x, y) => (x[0] ?? '').localeCompare(y[0] ?? '')),
      );
      for (const l of leases) expect(l.expiresAt).toBeGreaterThan(Date.now());
    });

    it('guests resolve each other by name through the segment and ping by name', async () => {
      const lookup = await sh(A, `nslookup ${nameB}.lab.test`);
      expect(lookup.exitCode).toBe(0);
      expect(lookup.output).toContain(B.ip);
      const ping = await sh(A, `ping -c 2 -W 3 ${nameB}.lab.test`);
      expect(ping.exitCode).toBe(0);
      expect(ping.output).toContain(`bytes from ${B.ip}`);
      const back = await sh(B, `ping -c 2 -W 3 ${nameA}`); // the search domain from DHCP
      expect(back.exitCode).toBe(0);
      // Nothing else resolves: no upstream, nothing leaks from the host.
      expect((await sh(A, 'nslookup debian.org')).exitCode).not.toBe(0);
    });

    it('the host holds no address on the segment', async () => {
      expect(await addressesOf(br)).toEqual([]);
      expect(await addressesOf(hostPortOf(br))).toEqual([]);
    });

    it('the service answers DNS (53) and nothing else; the host is unreachable', async () => {
      expect((await sh(A, `ping -c 2 -W 2 ${SERVICE}`)).exitCode).not.toBe(0);
      for (const port of [22, 80, 8080]) {
        const r = await sh(A, `nc -w 2 ${SERVICE} ${port} </dev/null`);
        expect(r.exitCode, `port ${port}`).not.toBe(0);
      }
      expect((await sh(A, `nc -w 3 ${SERVICE} 53 </dev/null`)).exitCode).toBe(0);
      expect((await sh(A, `ping -c 2 -W 2 ${await hostPrimaryIpv4()}`)).exitCode).not.toBe(0);
      // All-nodes ping on the segment: only peers (and the guest itself) answer.
      const all = await sh(A, 'ping -6 -c 3 -W 3 ff02::1%eth0');
      const responders = new Set(
        [...all.output.matchAll(/bytes from ([0-9a-fA-F:]+?)(?:%\w+)?: /g)].map((m) =>
          (m[1] ?? '').toLowerCase(),
        ),
      );
      expect(responders.size).toBeGreaterThan(0);
      const peers = new Set([linkLocalFromMac(macA), linkLocalFromMac(macB)]);
      for (const r of responders) expect(peers, `responder ${r}`).toContain(r);
    });

    it('a new name is served after a reload, without restarting dnsmasq', async () => {
      const before = await agent.reportSegmentServices(br);
      const after = await agent.setupSegmentServices(br, {
        ...plan,
        names: [...(plan.names ?? []), { name: 'extra', ip: '10.78.0.99' }],
      });
      expect(after.dnsmasqPid).toBe(before.dnsmasqPid);
      const lookup = await sh(A, 'nslookup extra.lab.test');
      expect(lookup.output).toContain('10.78.0.99');
    });

    it('with the plan off, no dnsmasq and no namespace exist, and DHCP gets nothing', async () => {
      await agent.setupSegmentServices(br, null);
      await expectNothingLeft(br);
      const ask = await sh(A, 'udhcpc -i eth0 -n -q -t 3 -T 1 -s /bin/true', 30_000);
      expect(ask.exitCode).not.toBe(0);
      expect(ask.output).not.toMatch(/lease of .* obtained/);
    });
  });
});
