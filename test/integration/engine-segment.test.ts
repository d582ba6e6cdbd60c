// SPDX-License-Identifier: Apache-2.0
/**
 * Issue 12, engine side: the address plan of an isolated network through the public contract
 * (real SQLite, real migrations, the recording host agent whose segment calls are checked by
 * the host layer's real pure plan rules). Refusals assert the fault and that nothing changed.
 */
import { describe, expect, it } from 'vitest';

import type { SegmentPlan } from '../../libvirt/host-agent';
import type { Network } from '../../main/contract/networks';
import type { OpInput } from '../../main/contract/operations';
import {
  eachRecordingHarness,
  expectRefused,
  type Harness,
  must,
} from '../fixtures/engine-harness';
import type { RecordingHostAgent } from '../fixtures/recording-host-agent';

let h: Harness;
let agent: RecordingHostAgent;

eachRecordingHarness((s) => ({ h, agent } = s));

const DC = { name: 'Default' };
const CL = { name: 'Default' };
type AddressPlanInput = NonNullable<OpInput<'AddNetwork'>['addressPlan']>;

const PLAN: AddressPlanInput = {
  subnet: { cidr: '10.20.0.0/24', dnsServers: ['10.9.9.9'] },
  dhcpRange: { start: '10.20.0.100', end: '10.20.0.199' },
  dnsDomain: 'lab.internal',
};

async function planned(name: string, plan: AddressPlanInput | null = PLAN): Promise<Network> {
  const n = await h.ok('AddNetwork', {
    name,
    dataCenter: DC,
    isolated: true,
    ...(plan === null ? {} : { addressPlan: plan }),
  });
  await h.ok('AttachNetworkToCluster', { cluster: CL, network: { id: n.id } });
  return n;
}

async function vmOn(network: Network, name: string, initialization?: unknown): Promise<string> {
  const vm = await h.ok('AddVm', {
    name,
    cluster: CL,
    template: { name: 'tiny' },
    ...(initialization === undefined ? {} : { initialization: initialization as never }),
  });
  const profile = must(
    (await h.ok('GetVnicProfilesByNetworkId', { networkId: network.id }))[0],
    'profile',
  );
  await h.ok('AddVmInterface', { vmId: vm.id, name: 'nic1', vnicProfileId: profile.id });
  return vm.id;
}

/** The plan the host serves for `n`, once the watcher has caught up with `until`. */
async function served(n: Network, until: (p: SegmentPlan) => boolean): Promise<SegmentPlan> {
  await expect
    .poll(() => {
      const p = agent.segments.get(n.vdsmName);
      return p !== undefined && until(p);
    })
    .toBe(true);
  return must(agent.segments.get(n.vdsmName) ?? null, 'plan');
}

describe('address plan rules (contract + engine)', () => {
  it('stores the canonical plan: defaults explicit, service address outside range and gateway', async () => {
    const n = await h.ok('AddNetwork', {
      name: 'lab',
      dataCenter: DC,
      isolated: true,
      addressPlan: { ...PLAN, subnet: { ...PLAN.subnet, gateway: '10.20.0.1' } },
    });
    expect(n.addressPlan).toEqual({
      subnet: {
        name: 'lab-subnet',
        cidr: '10.20.0.0/24',
        ipVersion: 'v4',
        gateway: '10.20.0.1',
        dnsServers: ['10.9.9.9'],
      },
      dhcpRange: { start: '10.20.0.100', end: '10.20.0.199' },
      dnsDomain: 'lab.internal',
      serviceAddress: '10.20.0.254',
    });
    // Off by default, and nothing is asked of the host for a network without a plan.
    const plain = await planned('plain', null);
    expect(plain.addressPlan ?? null).toBeNull();
    expect(agent.calls.filter((c) => c.method === 'setupSegmentServices')).toEqual([]);
  });

  it.each([
    ['range outside the cidr', { ...PLAN, dhcpRange: { start: '10.20.0.100', end: '10.20.1.5' } }],
    ['empty range', { ...PLAN, dhcpRange: { start: '10.20.0.200', end: '10.20.0.100' } }],
    ['cidr with host bits', { ...PLAN, subnet: { cidr: '10.20.0.1/24' } }],
    [
      'gateway inside the range',
      { ...PLAN, subnet: { cidr: '10.20.0.0/24', gateway: '10.20.0.150' } },
    ],
    [
      'service address = gateway',
      {
        ...PLAN,
        subnet: { cidr: '10.20.0.0/24', gateway: '10.20.0.1' },
        serviceAddress: '10.20.0.1',
      },
    ],
    ['service address in the range', { ...PLAN, serviceAddress: '10.20.0.120' }],
    ['IPv6', { subnet: { cidr: '10.20.0.0/24', ipVersion: 'v6' as const } }],
    ['bad domain', { ...PLAN, dnsDomain: 'not a domain' }],
    ['bad dns server', { ...PLAN, subnet: { cidr: '10.20.0.0/24', dnsServers: ['8.8.8'] } }],
  ])('refuses %s (400, nothing changed)', async (_what, addressPlan) => {
    const e = await expectRefused(
      h,
      agent,
      'AddNetwork',
      { name: 'bad', dataCenter: DC, isolated: true, addressPlan },
      'ACTION_TYPE_FAILED_ADDRESS_PLAN_INVALID',
      'BAD_PARAMETERS',
    );
    expect(e.messages.join(' ')).toMatch(/Invalid address plan: \S/);
  });

  it('refuses a plan on a network that is not isolated (409), also by update', async () => {
    await expectRefused(
      h,
      agent,
      'AddNetwork',
      { name: 'bridged', dataCenter: DC, addressPlan: PLAN },
      'ACTION_TYPE_FAILED_ADDRESS_PLAN_REQUIRES_ISOLATED_NETWORK',
      'CONFLICT',
    );
    const n = await h.ok('AddNetwork', { name: 'bridged', dataCenter: DC });
    await expectRefused(
      h,
      agent,
      'UpdateNetwork',
      { id: n.id, addressPlan: PLAN },
      'ACTION_TYPE_FAILED_ADDRESS_PLAN_REQUIRES_ISOLATED_NETWORK',
      'CONFLICT',
    );
  });
});

describe('the engine drives the segment service', () => {
  it('serves the plan once the network is deployed, with a lease and a name per VM', async () => {
    const n = await planned('lab');
    const first = await served(n, () => true);
    expect(first).toMatchObject({
      cidr: '10.20.0.0/24',
      serviceAddress: '10.20.0.254',
      dnsDomain: 'lab.internal',
      staticLeases: [],
    });
    const vm1 = await vmOn(n, 'vm1');
    const vm2 = await vmOn(n, 'vm2', {
      nicConfigurations: [
        { name: 'eth0', bootProtocol: 'static', ip: { address: '10.20.0.50', netmask: '24' } },
      ],
    });
    const p = await served(n, (x) => (x.names ?? []).length === 2);
    const nic1 = must((await h.ok('GetVmInterfaces', { vmId: vm1 }))[0], 'nic');
    const nic2 = must((await h.ok('GetVmInterfaces', { vmId: vm2 }))[0], 'nic');
    // vm1: allocated from the plan, below the range; vm2: the address cloud-init asks for.
    expect(p.staticLeases).toEqual(
      expect.arrayContaining([
        { mac: nic1.mac.toLowerCase(), ip: '10.20.0.1', hostname: 'vm1' },
        { mac: nic2.mac.toLowerCase(), ip: '10.20.0.50', hostname: 'vm2' },
      ]),
    );
    expect(p.names).toEqual([
      { name: 'vm1', ip: '10.20.0.1' },
      { name: 'vm2', ip: '10.20.0.50' },
    ]);

    // Renamed: the name follows; the allocated address is stable.
    await h.ok('UpdateVm', { id: vm1, name: 'web' });
    const renamed = await served(n, (x) => (x.names ?? []).some((m) => m.name === 'web'));
    expect(renamed.names).toContainEqual({ name: 'web', ip: '10.20.0.1' });

    // Leases visible: the network page and oVirt's reported devices of a running VM.
    agent.fakeLease(n.vdsmName, {
      mac: nic1.mac.toLowerCase(),
      ip: '10.20.0.1',
      hostname: 'web',
      expiresAt: null,
    });
    const seg = await h.ok('GetNetworkSegment', { id: n.id });
    expect(seg).toMatchObject({ enabled: true, running: true, serviceAddress: '10.20.0.254' });
    expect(seg.leases).toContainEqual(
      expect.objectContaining({
        mac: nic1.mac.toLowerCase(),
        ip: '10.20.0.1',
        leased: true,
        source: 'allocated',
        vmName: 'web',
      }),
    );
    expect(seg.leases).toContainEqual(
      expect.objectContaining({ ip: '10.20.0.50', leased: false, source: 'static' }),
    );
    expect(await h.ok('GetVmReportedDevices', { id: vm1 })).toEqual([]); // down: no guest data
    await h.ok('RunVm', { id: vm1 });
    const devices = await h.ok('GetVmReportedDevices', { id: vm1 });
    expect(devices).toEqual([
      expect.objectContaining({
        name: 'nic1',
        type: 'network',
        mac: nic1.mac.toLowerCase(),
        ips: [{ address: '10.20.0.1', version: 'v4' }],
      }),
    ]);
    await h.ok('StopVm', { id: vm1 });

    // A removed vNIC loses its lease and its VM its name.
    await h.ok('RemoveVmInterface', { vmId: vm2, id: nic2.id });
    const after = await served(n, (x) => (x.names ?? []).length === 1);
    expect(after.staticLeases).toEqual([
      { mac: nic1.mac.toLowerCase(), ip: '10.20.0.1', hostname: 'web' },
    ]);
  });

  it('changes, refuses and turns off the plan through UpdateNetwork', async () => {
    const n = await planned('lab');
    await served(n, () => true);
    const changed = await h.ok('UpdateNetwork', {
      id: n.id,
      addressPlan: { ...PLAN, dnsDomain: 'other.internal' },
    });
    expect(changed.addressPlan?.dnsDomain).toBe('other.internal');
    expect(agent.segments.get(n.vdsmName)?.dnsDomain).toBe('other.internal');

    // The host fails: fault with the host's code, the stored plan and the service unchanged.
    agent.failNext('setupSegmentServices');
    const e = await h.err('UpdateNetwork', { id: n.id, addressPlan: PLAN });
    expect(e.code).toBe('SETUP_NETWORKS_ROLLBACK');
    expect((await h.ok('GetNetworkById', { id: n.id })).addressPlan?.dnsDomain).toBe(
      'other.internal',
    );
    expect(agent.segments.get(n.vdsmName)?.dnsDomain).toBe('other.internal');
    expect(await h.ok('GetAllNetworks', {})).toBeDefined();

    await h.ok('UpdateNetwork', { id: n.id, addressPlan: null });
    expect(agent.segments.has(n.vdsmName)).toBe(false);
    expect((await h.ok('GetNetworkSegment', { id: n.id })).enabled).toBe(false);
  });

  it('takes the service down before the bridge when the network leaves the host', async () => {
    const n = await planned('lab');
    await served(n, () => true);
    const cluster = must((await h.ok('GetAllClusters', {}))[0], 'cluster');
    const since = agent.calls.length;
    await h.ok('DetachNetworkFromCluster', { clusterId: cluster.id, networkId: n.id });
    const calls = agent.calls.slice(since);
    const down = calls.findIndex(
      (c) => c.method === 'setupSegmentServices' && c.args[0] === n.vdsmName && c.args[1] === null,
    );
    const bridge = calls.findIndex((c) => c.method === 'setupNetworks');
    expect(down).toBeGreaterThanOrEqual(0);
    expect(down).toBeLessThan(bridge);
    expect(agent.segments.has(n.vdsmName)).toBe(false);
    expect(agent.bridges.has(n.vdsmName)).toBe(false);
  });

  it('a failing service undoes the whole deploy: no bridge, no service, nothing stored', async () => {
    const n = await h.ok('AddNetwork', {
      name: 'lab',
      dataCenter: DC,
      isolated: true,
      addressPlan: PLAN,
    });
    agent.failNext('setupSegmentServices');
    const e = await h.err('AttachNetworkToCluster', { cluster: CL, network: { id: n.id } });
    expect(e.code).toBe('SETUP_NETWORKS_ROLLBACK');
    expect(agent.bridges.has(n.vdsmName)).toBe(false);
    expect(agent.segments.has(n.vdsmName)).toBe(false);
    expect(
      await h.ok('GetNetworksByClusterId', {
        clusterId: must((await h.ok('GetAllClusters', {}))[0], 'c').id,
      }),
    ).not.toContainEqual(expect.objectContaining({ id: n.id }));
  });

  it('brings the service back at engine start (host activation)', async () => {
    const n = await planned('lab');
    await served(n, () => true);
    agent.segments.clear(); // the host lost it (reboot)
    h = await h.restart(agent);
    const p = await served(n, () => true);
    expect(p.serviceAddress).toBe('10.20.0.254');
    expect(agent.calls.some((c) => c.method === 'restoreSegmentServices')).toBe(true);
  });
});
