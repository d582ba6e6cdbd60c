// SPDX-License-Identifier: Apache-2.0
/**
 * Issue 13 items 4, 5 and 10 through the public contract, on a real SQLite file with the real
 * migrations and the recording host (the real-host side of item 10 is in
 * host-device-names.test.ts). Every refusal asserts the oVirt-style key and category AND that
 * nothing changed (data tables and the host).
 */
import { describe, expect, it } from 'vitest';

import type { Host } from '../../main/contract/hosts';
import {
  eachRecordingHarness,
  expectRefused,
  type Harness,
  must,
} from '../fixtures/engine-harness';
import type { RecordingHostAgent } from '../fixtures/recording-host-agent';

let h: Harness;
let agent: RecordingHostAgent;
let host: Host;

eachRecordingHarness(async (s) => {
  ({ h, agent } = s);
  host = must((await h.ok('GetAllHosts', {}))[0], 'host');
});

const DC = { name: 'Default' };
const CL = { name: 'Default' };
const VLAN = 'ACTION_TYPE_FAILED_NETWORK_VLAN_NOT_SUPPORTED_ON_HOST';

describe('item 5: an isolated network takes only its MTU', () => {
  it('refuses STP and port isolation on add and update', async () => {
    await expectRefused(
      h,
      agent,
      'AddNetwork',
      { name: 'iso', dataCenter: DC, isolated: true, stp: true },
      'ACTION_TYPE_FAILED_ISOLATED_NETWORK_CANNOT_HAVE_STP',
      'BAD_PARAMETERS',
    );
    await expectRefused(
      h,
      agent,
      'AddNetwork',
      { name: 'iso', dataCenter: DC, isolated: true, portIsolation: true },
      'ACTION_TYPE_FAILED_ISOLATED_NETWORK_CANNOT_HAVE_PORT_ISOLATION',
      'BAD_PARAMETERS',
    );
    const n = await h.ok('AddNetwork', { name: 'iso', dataCenter: DC, isolated: true, mtu: 9000 });
    await h.ok('AttachNetworkToCluster', { cluster: CL, network: { id: n.id } });
    await expectRefused(
      h,
      agent,
      'UpdateNetwork',
      { id: n.id, stp: true },
      'ACTION_TYPE_FAILED_ISOLATED_NETWORK_CANNOT_HAVE_STP',
      'BAD_PARAMETERS',
    );
    // STP was applied before the fix: the bridge stays without it.
    expect(agent.bridges.get('iso')?.stp).toBe(false);
  });
});

describe('item 4: a VLAN tag is never bridged untagged', () => {
  async function tagged(name: string): Promise<string> {
    const n = await h.ok('AddNetwork', { name, dataCenter: DC, vlanId: 10 });
    await h.ok('AttachNetworkToCluster', {
      cluster: CL,
      network: { id: n.id },
      required: false,
    });
    return n.id;
  }

  it('refuses to attach a tagged network to a NIC or NIC-less', async () => {
    const id = await tagged('tagged');
    const e = await expectRefused(
      h,
      agent,
      'HostSetupNetworks',
      {
        hostId: host.id,
        modifiedNetworkAttachments: [{ network: { id }, hostNic: { name: 'eth1' } }],
      },
      VLAN,
      'BAD_PARAMETERS',
    );
    expect(e.messages.join(' ')).toMatch(/VLAN tag 10/);
    await expectRefused(
      h,
      agent,
      'AddNetworkAttachment',
      { hostId: host.id, network: { name: 'tagged' } },
      VLAN,
      'BAD_PARAMETERS',
    );
    expect(agent.bridges.has('tagged')).toBe(false);
  });

  it('refuses a label that would provision a tagged network', async () => {
    const id = await tagged('tagged');
    await h.ok('LabelNetwork', { networkId: id, label: 'lab' });
    await expectRefused(
      h,
      agent,
      'AddHostNetworkLabel',
      { hostId: host.id, label: 'lab' },
      VLAN,
      'BAD_PARAMETERS',
    );
    expect(agent.bridges.has('tagged')).toBe(false);
  });

  it('refuses a VLAN tag on a network that is on a host', async () => {
    const n = await h.ok('AddNetwork', { name: 'plain', dataCenter: DC });
    await h.ok('AttachNetworkToCluster', { cluster: CL, network: { id: n.id }, required: false });
    await h.ok('AddNetworkAttachment', { hostId: host.id, network: { id: n.id } });
    await expectRefused(h, agent, 'UpdateNetwork', { id: n.id, vlanId: 7 }, VLAN, 'BAD_PARAMETERS');
    // A tag on a network no host carries is kept, as oVirt keeps it.
    const free = await h.ok('AddNetwork', { name: 'free', dataCenter: DC });
    expect((await h.ok('UpdateNetwork', { id: free.id, vlanId: 7 })).vlanId).toBe(7);
  });
});

describe("item 10: names that can never become the network's bridge", () => {
  it("refuses an on-host name the kernel or iproute2 cannot take ('-x')", async () => {
    const e = await expectRefused(
      h,
      agent,
      'AddNetwork',
      { name: '-x', dataCenter: DC, isolated: true },
      'NETWORK_ON_HOST_NAME_INVALID',
      'BAD_PARAMETERS',
    );
    expect(e.messages.join(' ')).toMatch(/starts with '-'/);
  });

  it('refuses host devices this product does not manage (lo, eth0, a VM tap)', async () => {
    for (const [name, kind] of [
      ['lo', 'physical device or loopback'],
      ['eth0', 'physical device or loopback'],
      ['vnet0', 'tun'],
    ] as const) {
      const e = await expectRefused(
        h,
        agent,
        'AddNetwork',
        { name, dataCenter: DC, isolated: true },
        'ACTION_TYPE_FAILED_NETWORK_NAME_USED_BY_HOST_DEVICE',
        'CONFLICT',
      );
      expect(e.messages.join(' ')).toContain(kind);
    }
  });

  it('refuses a rename onto a host device, and onto -x', async () => {
    const n = await h.ok('AddNetwork', { name: 'blue', dataCenter: DC, isolated: true });
    await expectRefused(
      h,
      agent,
      'UpdateNetwork',
      { id: n.id, name: 'eth1' },
      'ACTION_TYPE_FAILED_NETWORK_NAME_USED_BY_HOST_DEVICE',
      'CONFLICT',
    );
    await expectRefused(
      h,
      agent,
      'UpdateNetwork',
      { id: n.id, name: '-x' },
      'NETWORK_ON_HOST_NAME_INVALID',
      'BAD_PARAMETERS',
    );
    expect((await h.ok('UpdateNetwork', { id: n.id, name: 'green' })).vdsmName).toBe('green');
  });

  it('names with /, white space or too long get a generated on-host name and deploy', async () => {
    for (const name of ['lab/1', 'lab 2', 'a-very-long-network-name']) {
      const n = await h.ok('AddNetwork', { name, dataCenter: DC, isolated: true });
      expect(n.vdsmName).toMatch(/^on[0-9a-z]{13}$/);
      await h.ok('AttachNetworkToCluster', { cluster: CL, network: { id: n.id } });
      expect(agent.bridges.has(n.vdsmName)).toBe(true);
    }
  });
});

describe('item 7: the isolation self-test through the contract', () => {
  it('runs on an attached isolated network and changes nothing in the database', async () => {
    const n = await h.ok('AddNetwork', { name: 'iso', dataCenter: DC, isolated: true, mtu: 9000 });
    await h.ok('AttachNetworkToCluster', { cluster: CL, network: { id: n.id } });
    const before = h.dump();
    const r = await h.ok('TestNetworkIsolation', { id: n.id });
    expect(r).toMatchObject({ networkId: n.id, hostId: host.id, mtu: 9000, passed: true });
    expect(agent.methods()).toContain('isolationTest');
    expect(h.dump().network).toEqual(before.network);
    expect(h.dump().network_attachments).toEqual(before.network_attachments);
  });

  it('refuses a network that is not isolated or not on the host', async () => {
    const plain = await h.ok('AddNetwork', { name: 'plain', dataCenter: DC });
    await expectRefused(
      h,
      agent,
      'TestNetworkIsolation',
      { id: plain.id },
      'ACTION_TYPE_FAILED_ISOLATION_TEST_NETWORK_NOT_ISOLATED',
      'BAD_PARAMETERS',
    );
    const iso = await h.ok('AddNetwork', { name: 'iso', dataCenter: DC, isolated: true });
    await expectRefused(
      h,
      agent,
      'TestNetworkIsolation',
      { id: iso.id },
      'ACTION_TYPE_FAILED_ISOLATION_TEST_NETWORK_NOT_ON_HOST',
      'CONFLICT',
    );
    expect(agent.methods()).not.toContain('isolationTest');
  });
});
