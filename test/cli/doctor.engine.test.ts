// SPDX-License-Identifier: Apache-2.0
/**
 * Issue 15 must-show 4 (engine facts): `DiagnoseConnectivity` (REST `/doctor`, `aio doctor A B`)
 * names the right first cause for each fault created on purpose — VM down, different networks,
 * link down, MTU mismatch (the guest's ready line reports another MTU than the network's),
 * duplicate IP, different subnets, DHCP off (no static address, no address plan) — and none for
 * a healthy pair. Real engine and SQLite, recording fake host: no guest boots. (A duplicate MAC
 * cannot be made here: the engine's MAC pool refuses it; an unplugged vNIC has no API yet.)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { ConnectivityDiagnosis } from '../../main/contract/labs';
import type { Network } from '../../main/contract/networks';
import { type Harness, must, removeDir, startHarness } from '../fixtures/engine-harness';
import { RecordingHostAgent } from '../fixtures/recording-host-agent';

let h: Harness;
let n1: Network;
let n2: Network;
let dhcpless: Network;
let agent: RecordingHostAgent;
const CL = { name: 'Default' };

async function isolated(name: string, mtu: number): Promise<Network> {
  const n = await h.ok('AddNetwork', {
    name,
    dataCenter: { name: 'Default' },
    mtu,
    isolated: true,
  });
  await h.ok('AttachNetworkToCluster', { cluster: CL, network: { id: n.id } });
  return n;
}

/** A VM with one vNIC on `net`, a static address when given, started unless `down`. */
async function vm(
  name: string,
  net: Network,
  address: string | null,
  opts: { down?: boolean; linked?: boolean } = {},
): Promise<string> {
  const [ip, prefix] = address === null ? [null, null] : address.split('/');
  const v = await h.ok('AddVm', {
    name,
    cluster: CL,
    template: { name: 'tiny' },
    memoryBytes: 64 * 1048576,
    ...(ip !== null && ip !== undefined
      ? {
          initialization: {
            nicConfigurations: [
              {
                name: 'eth0',
                bootProtocol: 'static',
                ip: { address: ip, netmask: prefix ?? '24' },
              },
            ],
          },
        }
      : {}),
  });
  const profile = must((await h.ok('GetVnicProfilesByNetworkId', { networkId: net.id }))[0]);
  await h.ok('AddVmInterface', {
    vmId: v.id,
    name: 'nic1',
    vnicProfileId: profile.id,
    linked: opts.linked ?? true,
  });
  if (!opts.down) await h.ok('RunVm', { id: v.id });
  return v.id;
}

const diagnose = (vmId: string, peerId: string): Promise<ConnectivityDiagnosis> =>
  h.ok('DiagnoseConnectivity', { vmId, peerId });
const codes = async (a: string, b: string): Promise<string[]> =>
  (await diagnose(a, b)).causes.map((c) => c.code);

beforeAll(async () => {
  agent = new RecordingHostAgent();
  h = await startHarness(agent);
  n1 = await isolated('dn1', 9000);
  n2 = await isolated('dn2', 1500);
  dhcpless = await isolated('dn3', 1500);
});
afterAll(async () => {
  await h.close();
  removeDir(h.dir);
});

describe('doctor names the first cause', () => {
  it('finds nothing in the way of a healthy pair', async () => {
    const a = await vm('ok-a', n1, '10.50.0.1/24');
    const b = await vm('ok-b', n1, '10.50.0.2/24');
    const d = await diagnose(a, b);
    expect(d).toMatchObject({ reachable: true, causes: [], sharedNetworks: ['dn1'] });
  });

  it('VM down', async () => {
    const a = await vm('down-a', n1, '10.51.0.1/24');
    const b = await vm('down-b', n1, '10.51.0.2/24', { down: true });
    const d = await diagnose(a, b);
    expect(d.reachable).toBe(false);
    expect(d.causes).toEqual([{ code: 'vm_down', network: null, detail: 'down-b is down' }]);
  });

  it('different networks', async () => {
    const a = await vm('net-a', n1, '10.52.0.1/24');
    const b = await vm('net-b', n2, '10.52.0.2/24');
    const d = await diagnose(a, b);
    expect(d.causes.map((c) => c.code)).toEqual(['different_networks']);
    expect(d.causes[0]?.detail).toBe('net-a is on dn1; net-b is on dn2');
  });

  it('link down', async () => {
    const a = await vm('link-a', n1, '10.53.0.1/24');
    const b = await vm('link-b', n1, '10.53.0.2/24', { linked: false });
    expect(await codes(a, b)).toEqual(['link_down']);
  });

  it('MTU mismatch: the guest runs another MTU than its network', async () => {
    const a = await vm('mtu-a', n1, '10.54.0.1/24');
    const b = await vm('mtu-b', n1, '10.54.0.2/24');
    mkdirSync(join(h.dir, 'vms', b), { recursive: true });
    writeFileSync(
      join(h.dir, 'vms', b, 'serial.log'),
      'AIO-READY name=mtu-b eth0=10.54.0.2/24,mtu=1400\naio# ',
    );
    const d = await diagnose(a, b);
    expect(d.causes.map((c) => c.code)).toEqual(['mtu_mismatch']);
    expect(d.causes[0]?.detail).toContain('runs MTU 1400, network dn1 has MTU 9000');
  });

  it('duplicate IP (a cloned VM kept the address)', async () => {
    const a = await vm('dup-a', n1, '10.55.0.1/24');
    const b = await vm('dup-b', n1, '10.55.0.2/24');
    await vm('dup-clone', n1, '10.55.0.2/24');
    const d = await diagnose(a, b);
    expect(d.causes.map((c) => c.code)).toEqual(['duplicate_ip']);
    expect(d.causes[0]?.detail).toBe("10.55.0.2 of dup-b is also dup-clone's on dn1");
  });

  it('different subnets', async () => {
    const a = await vm('sub-a', n1, '10.56.0.1/24');
    const b = await vm('sub-b', n1, '10.56.1.2/24');
    expect(await codes(a, b)).toEqual(['different_subnets']);
  });

  it('DHCP off: no static address on a network without an address plan', async () => {
    const a = await vm('dhcp-a', dhcpless, '10.57.0.1/24');
    const b = await vm('dhcp-b', dhcpless, null);
    const d = await diagnose(a, b);
    expect(d.causes.map((c) => c.code)).toEqual(['no_address']);
    expect(d.causes[0]?.detail).toContain('dn3 has no DHCP');
  });

  it('no DHCP lease: a vNIC that asks DHCP, and the segment never leased to its MAC', async () => {
    const served = await h.ok('AddNetwork', {
      name: 'dn4',
      dataCenter: { name: 'Default' },
      mtu: 1500,
      isolated: true,
      addressPlan: {
        subnet: { cidr: '10.58.0.0/24' },
        dhcpRange: { start: '10.58.0.100', end: '10.58.0.150' },
      },
    });
    await h.ok('AttachNetworkToCluster', { cluster: CL, network: { id: served.id } });
    const a = await vm('lease-a', served, '10.58.0.1/24');
    const b = await vm('lease-b', served, null);
    const d = await diagnose(a, b);
    expect(d.causes.map((c) => c.code)).toEqual(['no_dhcp_lease']);
    expect(d.causes[0]?.detail).toMatch(/^lease-b\/nic1 \([0-9a-f:]{17}\) asks DHCP on dn4/);
    // Once the segment leased to it, its leased address counts (same subnet: nothing in the way).
    const mac = must((await h.ok('GetVmInterfaces', { vmId: b }))[0]).mac.toLowerCase();
    agent.fakeLease(served.vdsmName, {
      mac,
      ip: '10.58.0.120',
      hostname: 'lease-b',
      expiresAt: null,
    });
    expect(await diagnose(a, b)).toMatchObject({ reachable: true, causes: [] });
  });

  it('bridge out of sync: the host bridge has another MTU than the engine wants', async () => {
    const net = await isolated('dn5', 1500);
    const a = await vm('sync-a', net, '10.59.0.1/24');
    const b = await vm('sync-b', net, '10.59.0.2/24');
    expect(await codes(a, b)).toEqual([]);
    const bridge = must(agent.bridges.get(net.vdsmName));
    bridge.mtu = 1400;
    try {
      const d = await diagnose(a, b);
      expect(d.causes).toEqual([
        {
          code: 'bridge_out_of_sync',
          network: 'dn5',
          detail: `bridge ${net.vdsmName} is out of sync with the engine: mtu 1400 (expected 1500)`,
        },
      ]);
      expect(d.reachable).toBe(false);
    } finally {
      bridge.mtu = 1500;
    }
  });
});
