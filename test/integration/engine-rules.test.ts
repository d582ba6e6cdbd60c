// SPDX-License-Identifier: Apache-2.0
/**
 * One test per engine rule (issue 3), through the public contract, on a real SQLite file
 * with the real migrations. Every refusal asserts the oVirt key and category AND that
 * nothing changed: every data table and the (recording fake) host.
 */
import { describe, expect, it } from 'vitest';

import type { Host } from '../../main/contract/hosts';
import type { Network } from '../../main/contract/networks';
import {
  ADMIN,
  eachRecordingHarness,
  expectRefused,
  type Harness,
  must,
  startHarness,
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

async function isolated(name: string, mtu = 9000): Promise<Network> {
  const n = await h.ok('AddNetwork', { name, dataCenter: DC, mtu, isolated: true });
  await h.ok('AttachNetworkToCluster', { cluster: CL, network: { id: n.id } });
  return n;
}

async function vmOn(network: Network, name = 'vm1'): Promise<string> {
  const vm = await h.ok('AddVm', { name, cluster: CL, template: { name: 'tiny' } });
  const profile = must(
    (await h.ok('GetVnicProfilesByNetworkId', { networkId: network.id }))[0],
    'profile',
  );
  await h.ok('AddVmInterface', { vmId: vm.id, name: 'nic1', vnicProfileId: profile.id });
  return vm.id;
}

describe('isolated networks are VM networks only, MTU their only host-level property', () => {
  it('refuses a non-VM isolated network', async () => {
    await expectRefused(
      h,
      agent,
      'AddNetwork',
      { name: 'iso', dataCenter: DC, isolated: true, vmNetwork: false },
      'ACTION_TYPE_FAILED_ISOLATED_NETWORK_MUST_BE_VM_NETWORK',
      'BAD_PARAMETERS',
    );
  });
  it('refuses a VLAN on an isolated network (add and update)', async () => {
    await expectRefused(
      h,
      agent,
      'AddNetwork',
      { name: 'iso', dataCenter: DC, isolated: true, vlanId: 10 },
      'ACTION_TYPE_FAILED_ISOLATED_NETWORK_CANNOT_HAVE_VLAN',
      'BAD_PARAMETERS',
    );
    const n = await h.ok('AddNetwork', { name: 'iso', dataCenter: DC, isolated: true });
    await expectRefused(
      h,
      agent,
      'UpdateNetwork',
      { id: n.id, vlanId: 5 },
      'ACTION_TYPE_FAILED_ISOLATED_NETWORK_CANNOT_HAVE_VLAN',
      'BAD_PARAMETERS',
    );
  });
  it('refuses cluster roles on an isolated network', async () => {
    const n = await h.ok('AddNetwork', { name: 'iso', dataCenter: DC, isolated: true });
    await expectRefused(
      h,
      agent,
      'AttachNetworkToCluster',
      { cluster: CL, network: { id: n.id }, roles: ['display'] },
      'ACTION_TYPE_FAILED_ISOLATED_NETWORK_CANNOT_HAVE_ROLES',
      'BAD_PARAMETERS',
    );
    await h.ok('AttachNetworkToCluster', { cluster: CL, network: { id: n.id } });
    await expectRefused(
      h,
      agent,
      'UpdateNetworkOnCluster',
      { clusterId: host.clusterId, networkId: n.id, roles: ['migration'] },
      'ACTION_TYPE_FAILED_ISOLATED_NETWORK_CANNOT_HAVE_ROLES',
      'BAD_PARAMETERS',
    );
  });
  it('never attaches an isolated network through a host NIC', async () => {
    const n = await isolated('iso');
    const a = must((await h.ok('GetNetworkAttachmentsByHostId', { hostId: host.id }))[0]);
    await expectRefused(
      h,
      agent,
      'HostSetupNetworks',
      {
        hostId: host.id,
        modifiedNetworkAttachments: [
          { id: a.id, network: { id: n.id }, hostNic: { name: 'eth0' } },
        ],
      },
      'ACTION_TYPE_FAILED_ISOLATED_NETWORK_CANNOT_BE_ATTACHED_TO_NIC',
      'BAD_PARAMETERS',
    );
    await expectRefused(
      h,
      agent,
      'AddNetworkAttachment',
      { hostId: host.id, network: { name: 'iso' }, hostNic: { name: 'eth0' } },
      'ACTION_TYPE_FAILED_ISOLATED_NETWORK_CANNOT_BE_ATTACHED_TO_NIC',
      'BAD_PARAMETERS',
    );
  });
  it('keeps is_isolated immutable while attached to a cluster', async () => {
    const n = await isolated('iso');
    await expectRefused(
      h,
      agent,
      'UpdateNetwork',
      { id: n.id, isolated: false },
      'ACTION_TYPE_FAILED_NETWORK_ISOLATION_CANNOT_BE_CHANGED_WHILE_ATTACHED',
      'CONFLICT',
    );
    const plain = await h.ok('AddNetwork', { name: 'plain', dataCenter: DC });
    expect((await h.ok('UpdateNetwork', { id: plain.id, isolated: true })).isolated).toBe(true);
  });
});

describe('cluster attach of an isolated network', () => {
  it('makes it required permanently and refuses an explicit required=false', async () => {
    const n = await h.ok('AddNetwork', { name: 'iso', dataCenter: DC, isolated: true });
    await expectRefused(
      h,
      agent,
      'AttachNetworkToCluster',
      { cluster: CL, network: { id: n.id }, required: false },
      'ACTION_TYPE_FAILED_ISOLATED_NETWORK_MUST_BE_REQUIRED',
      'BAD_PARAMETERS',
    );
    const cn = await h.ok('AttachNetworkToCluster', { cluster: CL, network: { id: n.id } });
    expect(cn.cluster.required).toBe(true);
    await expectRefused(
      h,
      agent,
      'UpdateNetworkOnCluster',
      { clusterId: host.clusterId, networkId: n.id, required: false },
      'ACTION_TYPE_FAILED_ISOLATED_NETWORK_MUST_BE_REQUIRED',
      'BAD_PARAMETERS',
    );
  });
  it('deploys on Up hosts at once, NIC-less, in sync', async () => {
    await isolated('iso', 9000);
    const [a] = await h.ok('GetNetworkAttachmentsByHostId', { hostId: host.id });
    expect(a).toMatchObject({ networkName: 'iso', hostNicId: null, inSync: true });
    expect(agent.bridges.get('iso')).toMatchObject({ mtu: 9000, nic: null });
  });
  it('deploys on hosts that were not Up when they are activated', async () => {
    await h.ok('DeactivateHost', { hostId: host.id });
    const since = agent.calls.length;
    const n = await isolated('iso');
    expect(agent.methods(since)).not.toContain('setupNetworks');
    expect(await h.ok('GetNetworkAttachmentsByHostId', { hostId: host.id })).toHaveLength(0);
    await h.ok('ActivateHost', { hostId: host.id });
    const [a] = await h.ok('GetNetworkAttachmentsByHostId', { hostId: host.id });
    expect(a?.networkId).toBe(n.id);
    expect(agent.bridges.has('iso')).toBe(true);
  });
  it('detach removes it from the hosts, refused while VMs use it', async () => {
    const n = await isolated('iso');
    const vmId = await vmOn(n);
    await expectRefused(
      h,
      agent,
      'DetachNetworkFromCluster',
      { clusterId: host.clusterId, networkId: n.id },
      'NETWORK_CANNOT_DETACH_NETWORK_USED_BY_VMS',
      'CONFLICT',
    );
    await h.ok('RemoveVm', { id: vmId });
    await h.ok('DetachNetworkFromCluster', { clusterId: host.clusterId, networkId: n.id });
    expect(await h.ok('GetNetworkAttachmentsByHostId', { hostId: host.id })).toHaveLength(0);
    expect(agent.bridges.has('iso')).toBe(false);
  });
});

describe('host activation re-validates networks against the host', () => {
  it('re-creates a missing bridge and repairs MTU drift, storing in_sync and reports', async () => {
    await isolated('iso', 9000);
    await isolated('iso2', 4000);
    agent.bridges.delete('iso');
    must(agent.bridges.get('iso2')).mtu = 1500;
    await h.ok('DeactivateHost', { hostId: host.id });
    await h.ok('ActivateHost', { hostId: host.id });
    expect(agent.bridges.get('iso')?.mtu).toBe(9000);
    expect(agent.bridges.get('iso2')?.mtu).toBe(4000);
    const atts = await h.ok('GetNetworkAttachmentsByHostId', { hostId: host.id });
    for (const a of atts) {
      expect(a.inSync).toBe(true);
      expect(a.reportedConfigurations.find((r) => r.name === 'mtu')?.actualValue).toBe(
        a.networkName === 'iso' ? '9000' : '4000',
      );
    }
  });
  it('stores out-of-sync reports for NIC attachments without touching the uplink', async () => {
    const n = await h.ok('AddNetwork', { name: 'ext', dataCenter: DC });
    await h.ok('AttachNetworkToCluster', { cluster: CL, network: { id: n.id }, required: false });
    await h.ok('AddNetworkAttachment', {
      hostId: host.id,
      network: { id: n.id },
      hostNic: { name: 'eth0' },
    });
    must(agent.bridges.get('ext')).mtu = 1400;
    await h.ok('ActivateHost', { hostId: host.id });
    expect(agent.bridges.get('ext')?.mtu).toBe(1400);
    const [a] = await h.ok('GetNetworkAttachmentsByHostId', { hostId: host.id });
    expect(a?.inSync).toBe(false);
    // Modifying an out-of-sync attachment without synchronizing it is refused (409).
    await expectRefused(
      h,
      agent,
      'HostSetupNetworks',
      {
        hostId: host.id,
        modifiedNetworkAttachments: [{ network: { id: n.id }, hostNic: { name: 'eth1' } }],
      },
      'NETWORK_NOT_IN_SYNC',
      'CONFLICT',
    );
    await h.ok('HostSetupNetworks', {
      hostId: host.id,
      synchronizedNetworkAttachments: [{ id: must(a).id }],
    });
    expect(agent.bridges.get('ext')?.mtu).toBe(1500);
  });
});

describe('NIC-less attachments through HostSetupNetworks', () => {
  it('accepts any VM network without a NIC', async () => {
    const n = await h.ok('AddNetwork', { name: 'vmnet', dataCenter: DC });
    await h.ok('AttachNetworkToCluster', { cluster: CL, network: { id: n.id }, required: false });
    const atts = await h.ok('HostSetupNetworks', {
      hostId: host.id,
      modifiedNetworkAttachments: [{ network: { name: 'vmnet' } }],
      commitOnSuccess: true,
    });
    expect(atts.find((a) => a.networkId === n.id)?.hostNicId).toBeNull();
    expect(agent.bridges.get('vmnet')?.nic).toBeNull();
    expect(agent.methods()).toContain('commitNetworkConfig');
  });
  it("refuses a non-VM network without a NIC with oVirt's fault", async () => {
    const n = await h.ok('AddNetwork', { name: 'storage', dataCenter: DC, vmNetwork: false });
    await h.ok('AttachNetworkToCluster', { cluster: CL, network: { id: n.id }, required: false });
    const e = await expectRefused(
      h,
      agent,
      'HostSetupNetworks',
      { hostId: host.id, modifiedNetworkAttachments: [{ network: { id: n.id } }] },
      'HOST_NETWORK_INTERFACE_DOES_NOT_HAVE_NAME_SET',
      'BAD_PARAMETERS',
    );
    expect(e.messages[0]).toBe(
      'Cannot setup Networks. The host network interface does not have name set.',
    );
  });
  it("refuses a network that is not in the host's cluster", async () => {
    await h.ok('AddNetwork', { name: 'loose', dataCenter: DC });
    await expectRefused(
      h,
      agent,
      'HostSetupNetworks',
      { hostId: host.id, modifiedNetworkAttachments: [{ network: { name: 'loose' } }] },
      'NETWORK_OF_GIVEN_NAME_NOT_EXISTS_IN_CLUSTER',
      'BAD_PARAMETERS',
    );
  });
  it('refuses removing an isolated network its cluster requires', async () => {
    await isolated('iso');
    const [a] = await h.ok('GetNetworkAttachmentsByHostId', { hostId: host.id });
    await expectRefused(
      h,
      agent,
      'RemoveNetworkAttachment',
      { hostId: host.id, id: must(a).id },
      'ACTION_TYPE_FAILED_ISOLATED_NETWORK_REQUIRED_BY_CLUSTER',
      'CONFLICT',
    );
  });
});

describe('host network labels', () => {
  it('validates the label format', async () => {
    await expectRefused(
      h,
      agent,
      'AddHostNetworkLabel',
      { hostId: host.id, label: 'bad label' },
      'NETWORK_LABEL_FORMAT_INVALID',
      'BAD_PARAMETERS',
    );
    const n = await h.ok('AddNetwork', { name: 'lab', dataCenter: DC });
    await expectRefused(
      h,
      agent,
      'LabelNetwork',
      { networkId: n.id, label: 'x/y' },
      'NETWORK_LABEL_FORMAT_INVALID',
      'BAD_PARAMETERS',
    );
  });
  it('auto-attaches labelled networks NIC-less, both ways round, and removal detaches', async () => {
    const a = await h.ok('AddNetwork', { name: 'laba', dataCenter: DC, label: 'lab' });
    await h.ok('AttachNetworkToCluster', { cluster: CL, network: { id: a.id }, required: false });
    expect(await h.ok('GetNetworkAttachmentsByHostId', { hostId: host.id })).toHaveLength(0);
    await h.ok('AddHostNetworkLabel', { hostId: host.id, label: 'lab' });
    expect(
      (await h.ok('GetNetworkAttachmentsByHostId', { hostId: host.id })).map((x) => [
        x.networkName,
        x.hostNicId,
      ]),
    ).toEqual([['laba', null]]);
    // Labelling a network provisions it on every labelled host.
    const b = await h.ok('AddNetwork', { name: 'labb', dataCenter: DC });
    await h.ok('AttachNetworkToCluster', { cluster: CL, network: { id: b.id }, required: false });
    await h.ok('LabelNetwork', { networkId: b.id, label: 'lab' });
    expect(agent.bridges.has('labb')).toBe(true);
    await expectRefused(
      h,
      agent,
      'LabelNetwork',
      { networkId: b.id, label: 'other' },
      'ACTION_TYPE_FAILED_NETWORK_ALREADY_LABELED',
      'BAD_PARAMETERS',
    );
    await expectRefused(
      h,
      agent,
      'AddHostNetworkLabel',
      { hostId: host.id, label: 'lab' },
      'HOST_LABEL_ALREADY_EXISTS',
      'CONFLICT',
    );
    // Removing the host label removes what it provisioned, unless running VMs use it.
    const vmId = await vmOn(b);
    await h.ok('RunVm', { id: vmId });
    await expectRefused(
      h,
      agent,
      'RemoveHostNetworkLabel',
      { hostId: host.id, label: 'lab' },
      'NETWORK_CANNOT_DETACH_NETWORK_USED_BY_VMS',
      'CONFLICT',
    );
    await expectRefused(
      h,
      agent,
      'UnlabelNetwork',
      { networkId: b.id, label: 'lab' },
      'NETWORK_CANNOT_DETACH_NETWORK_USED_BY_VMS',
      'CONFLICT',
    );
    await h.ok('StopVm', { id: vmId });
    await h.ok('RemoveHostNetworkLabel', { hostId: host.id, label: 'lab' });
    expect(await h.ok('GetNetworkAttachmentsByHostId', { hostId: host.id })).toHaveLength(0);
    expect(agent.bridges.has('laba') || agent.bridges.has('labb')).toBe(false);
    await expectRefused(
      h,
      agent,
      'RemoveHostNetworkLabel',
      { hostId: host.id, label: 'lab' },
      'LABEL_NOT_EXIST_IN_HOST',
      'BAD_PARAMETERS',
    );
  });
});

describe('MTU', () => {
  it('0 means 1500; otherwise 68..65535', async () => {
    const d = await h.ok('AddNetwork', { name: 'dflt', dataCenter: DC, mtu: 0, isolated: true });
    await h.ok('AttachNetworkToCluster', { cluster: CL, network: { id: d.id } });
    expect(agent.bridges.get('dflt')?.mtu).toBe(1500);
    for (const mtu of [20, 67, 65536, -5]) {
      await expectRefused(
        h,
        agent,
        'AddNetwork',
        { name: `m${mtu}`, dataCenter: DC, mtu },
        'MTU_VALUE_INVALID',
        'BAD_PARAMETERS',
      );
    }
  });
  it('is not above what the host can do (NIC max MTU)', async () => {
    const n = await h.ok('AddNetwork', { name: 'big', dataCenter: DC, mtu: 9000 });
    await h.ok('AttachNetworkToCluster', { cluster: CL, network: { id: n.id }, required: false });
    await expectRefused(
      h,
      agent,
      'AddNetworkAttachment',
      { hostId: host.id, network: { id: n.id }, hostNic: { name: 'eth1' } },
      'ACTION_TYPE_FAILED_NETWORK_MTU_EXCEEDS_HOST_CAPABILITY',
      'BAD_PARAMETERS',
    );
    await h.ok('AddNetworkAttachment', {
      hostId: host.id,
      network: { id: n.id },
      hostNic: { name: 'eth0' },
    });
    await expectRefused(
      h,
      agent,
      'UpdateNetwork',
      { id: n.id, mtu: 9500 },
      'ACTION_TYPE_FAILED_NETWORK_MTU_EXCEEDS_HOST_CAPABILITY',
      'BAD_PARAMETERS',
    );
  });
  it('a change is pushed to the hosts carrying the network', async () => {
    const n = await isolated('iso', 9000);
    const vmId = await vmOn(n);
    await h.ok('RunVm', { id: vmId });
    await h.ok('UpdateNetwork', { id: n.id, mtu: 4000 });
    expect(agent.bridges.get('iso')?.mtu).toBe(4000);
    const [a] = await h.ok('GetNetworkAttachmentsByHostId', { hostId: host.id });
    expect(a?.reportedConfigurations.find((r) => r.name === 'mtu')).toMatchObject({
      expectedValue: '4000',
      actualValue: '4000',
    });
    // The running VM's tap is still on the bridge (the host layer sets tap MTUs with the bridge's).
    expect(agent.bridges.get('iso')?.taps).toHaveLength(1);
  });
});

describe('names', () => {
  it('allow 256 characters of anything, not 257, not a bond prefix, unique per data center', async () => {
    const long = await h.ok('AddNetwork', { name: 'ü'.repeat(256), dataCenter: DC });
    expect(long.vdsmName).toMatch(/^on[0-9a-f]{13}$/);
    await expectRefused(
      h,
      agent,
      'AddNetwork',
      { name: 'x'.repeat(257), dataCenter: DC },
      'ACTION_TYPE_FAILED_NAME_LENGTH_IS_TOO_LONG',
      'BAD_PARAMETERS',
    );
    await expectRefused(
      h,
      agent,
      'AddNetwork',
      { name: 'bond0-lab', dataCenter: DC },
      'NETWORK_CANNOT_CONTAIN_BOND_NAME',
      'BAD_PARAMETERS',
    );
    await h.ok('AddNetwork', { name: 'blue', dataCenter: DC });
    const e = await expectRefused(
      h,
      agent,
      'AddNetwork',
      { name: 'blue', dataCenter: DC },
      'ACTION_TYPE_FAILED_NETWORK_NAME_IN_USE',
      'CONFLICT',
    );
    expect(e.messages[0]).toContain(
      "Cannot add Network. The name of the logical network 'blue' is already used",
    );
    await expectRefused(
      h,
      agent,
      'AddNetwork',
      { name: long.vdsmName, dataCenter: DC },
      'NETWORK_NAME_USED_AS_VDSM_NETWORK_NAME',
      'BAD_PARAMETERS',
    );
  });
});

describe('in-use removals are refused (409)', () => {
  it('network used by a VM, attachment used by a running VM', async () => {
    const n = await h.ok('AddNetwork', { name: 'used', dataCenter: DC });
    await h.ok('AttachNetworkToCluster', { cluster: CL, network: { id: n.id }, required: false });
    const [a] = await h.ok('HostSetupNetworks', {
      hostId: host.id,
      modifiedNetworkAttachments: [{ network: { id: n.id } }],
    });
    const vmId = await vmOn(n);
    await expectRefused(
      h,
      agent,
      'RemoveNetwork',
      { id: n.id },
      'ACTION_TYPE_FAILED_NETWORK_IN_ONE_USE',
      'CONFLICT',
    );
    await h.ok('RunVm', { id: vmId });
    await expectRefused(
      h,
      agent,
      'RemoveNetworkAttachment',
      { hostId: host.id, id: must(a).id },
      'NETWORK_CANNOT_DETACH_NETWORK_USED_BY_VMS',
      'CONFLICT',
    );
    await h.ok('StopVm', { id: vmId });
    await h.ok('RemoveNetworkAttachment', { hostId: host.id, id: must(a).id });
    await h.ok('RemoveVm', { id: vmId });
    await h.ok('RemoveNetwork', { id: n.id });
    expect(agent.bridges.has('used')).toBe(false);
    expect(await h.ok('GetAllNetworks', {})).toHaveLength(0);
  });
});

describe('execution: compensation, locks, restart consistency', () => {
  it('a host failure leaves the database exactly as before', async () => {
    const n = await h.ok('AddNetwork', { name: 'iso', dataCenter: DC, isolated: true });
    agent.failNext('setupNetworks');
    await expectRefused(
      h,
      agent,
      'AttachNetworkToCluster',
      { cluster: CL, network: { id: n.id } },
      'SETUP_NETWORKS_ROLLBACK',
      'BAD_PARAMETERS',
    );
    expect(await h.ok('GetNetworksByClusterId', { clusterId: host.clusterId })).toHaveLength(0);
  });
  it('two concurrent commands never both pass validation', async () => {
    const results = await Promise.all([
      h.engine.invoke({ userId: 'a', userName: 'admin@internal', admin: true }, 'AddNetwork', {
        name: 'race',
        dataCenter: DC,
      }),
      h.engine.invoke({ userId: 'a', userName: 'admin@internal', admin: true }, 'AddNetwork', {
        name: 'race',
        dataCenter: DC,
      }),
    ]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    const failed = results.find((r) => !r.ok);
    expect(failed && !failed.ok ? failed.error.code : null).toBe(
      'ACTION_TYPE_FAILED_NETWORK_NAME_IN_USE',
    );
    const n = await h.ok('AddNetwork', { name: 'iso', dataCenter: DC, isolated: true });
    const [x, y] = await Promise.all([
      h.engine.invoke(
        { userId: 'a', userName: 'admin@internal', admin: true },
        'AttachNetworkToCluster',
        { cluster: CL, network: { id: n.id } },
      ),
      h.engine.invoke(
        { userId: 'a', userName: 'admin@internal', admin: true },
        'AttachNetworkToCluster',
        { cluster: CL, network: { id: n.id } },
      ),
    ]);
    expect([x.ok, y.ok].sort()).toEqual([false, true]);
    expect(agent.methods().filter((m) => m === 'setupNetworks').length).toBeGreaterThanOrEqual(1);
  });
  it('an engine killed between host I/O and its result restarts consistent and reconciles the host', async () => {
    const n = await h.ok('AddNetwork', { name: 'iso', dataCenter: DC, isolated: true });
    const before = h.dump();
    // The host applies the change, then the engine "dies" before recording the result.
    let release: () => void = () => undefined;
    const original = agent.setupNetworks.bind(agent);
    agent.setupNetworks = async (req) => {
      const r = await original(req);
      await new Promise<void>((resolve) => {
        release = resolve;
      });
      return r;
    };
    void h.engine.invoke(
      { userId: 'a', userName: 'admin@internal', admin: true },
      'AttachNetworkToCluster',
      { cluster: CL, network: { id: n.id } },
    );
    await expect.poll(() => agent.bridges.has('iso')).toBe(true);
    expect(h.dump().command_intent).toHaveLength(1);
    agent.setupNetworks = original;
    // A second engine on the same data dir (the first never finishes).
    const dead = h;
    h = await startHarness(agent, dead.dir);
    const after = h.dump();
    for (const t of [
      'network',
      'network_cluster',
      'network_attachments',
      'command_intent',
      'host',
    ] as const) {
      expect(after[t]).toEqual(before[t]);
    }
    expect(agent.bridges.has('iso')).toBe(false);
    release();
    await dead.close();
  });
});

describe('more host paths', () => {
  it('a failed commit after a successful setup puts host and database back', async () => {
    const n = await h.ok('AddNetwork', { name: 'vmnet', dataCenter: DC });
    await h.ok('AttachNetworkToCluster', { cluster: CL, network: { id: n.id }, required: false });
    agent.failNext('commitNetworkConfig');
    await expectRefused(
      h,
      agent,
      'HostSetupNetworks',
      {
        hostId: host.id,
        modifiedNetworkAttachments: [{ network: { id: n.id } }],
        commitOnSuccess: true,
      },
      'SETUP_NETWORKS_ROLLBACK',
      'BAD_PARAMETERS',
    );
    expect(agent.bridges.has('vmnet')).toBe(false);
  });
  it('a required network missing on the host shows non_operational in its cluster', async () => {
    const n = await h.ok('AddNetwork', { name: 'req', dataCenter: DC });
    const cn = await h.ok('AttachNetworkToCluster', { cluster: CL, network: { id: n.id } });
    expect(cn.cluster).toMatchObject({ required: true, status: 'non_operational' });
    await h.ok('HostSetupNetworks', {
      hostId: host.id,
      modifiedNetworkAttachments: [{ network: { id: n.id } }],
    });
    const again = await h.ok('GetNetworkOnCluster', { clusterId: host.clusterId, networkId: n.id });
    expect(again.cluster.status).toBe('operational');
    expect((await h.ok('GetHostById', { id: host.id })).status).toBe('up');
  });
  it('a NIC label attaches labelled networks over that NIC', async () => {
    const n = await h.ok('AddNetwork', { name: 'uplinked', dataCenter: DC, label: 'up' });
    await h.ok('AttachNetworkToCluster', { cluster: CL, network: { id: n.id }, required: false });
    await h.ok('HostSetupNetworks', {
      hostId: host.id,
      modifiedLabels: [{ id: 'up', hostNic: { name: 'eth0' } }],
    });
    const [a] = await h.ok('GetNetworkAttachmentsByHostId', { hostId: host.id });
    expect(a).toMatchObject({ networkName: 'uplinked', hostNicName: 'eth0' });
    expect(agent.bridges.get('uplinked')?.nic).toBe('eth0');
    expect(await h.ok('GetHostNetworkLabels', { hostId: host.id })).toEqual([
      { id: 'up', hostId: host.id, nicId: a?.hostNicId },
    ]);
  });
  it("VM status follows the host layer's domain events", async () => {
    const vm = await h.ok('AddVm', { name: 'v', cluster: CL, template: { name: 'tiny' } });
    await h.ok('RunVm', { id: vm.id });
    // The guest powers itself off: the host layer reports it, the engine follows.
    await agent.domainPowerOff(vm.id);
    await expect.poll(async () => (await h.ok('GetVmById', { id: vm.id })).status).toBe('down');
  });
});

describe('locks and VM restart consistency', () => {
  it('a command waiting too long for a lock gets ACTION_TYPE_FAILED_OBJECT_LOCKED (409)', async () => {
    const n = await h.ok('AddNetwork', { name: 'iso', dataCenter: DC, isolated: true });
    let release: () => void = () => undefined;
    let waiting = false;
    const original = agent.setupNetworks.bind(agent);
    agent.setupNetworks = async (req) => {
      waiting = true;
      await new Promise<void>((resolve) => {
        release = resolve;
      });
      return original(req);
    };
    const first = h.engine.invoke(ADMIN, 'AttachNetworkToCluster', {
      cluster: CL,
      network: { id: n.id },
    });
    await expect.poll(() => waiting).toBe(true);
    const second = await h.err('HostSetupNetworks', { hostId: host.id, removedLabels: [] });
    expect(second).toMatchObject({
      code: 'ACTION_TYPE_FAILED_OBJECT_LOCKED',
      category: 'CONFLICT',
    });
    release();
    expect((await first).ok).toBe(true);
    agent.setupNetworks = original;
  });
  it('a VM started by an engine that died before recording it is found Up after restart', async () => {
    const vm = await h.ok('AddVm', { name: 'v', cluster: CL, template: { name: 'tiny' } });
    const original = agent.domainStart.bind(agent);
    let release: () => void = () => undefined;
    agent.domainStart = async (desc) => {
      await original(desc);
      await new Promise<void>((resolve) => {
        release = resolve;
      });
    };
    void h.engine.invoke(ADMIN, 'RunVm', { id: vm.id });
    await expect.poll(() => agent.domains.has(vm.id)).toBe(true);
    expect(h.dump().command_intent).toHaveLength(1);
    agent.domainStart = original;
    const dead = h;
    h = await startHarness(agent, dead.dir);
    expect(h.dump().command_intent).toHaveLength(0);
    expect((await h.ok('GetVmById', { id: vm.id })).status).toBe('up');
    release();
    await dead.close();
  });
});

describe('VMs', () => {
  it('run needs the networks on the host; addresses go to the tiny guest; status follows the host', async () => {
    const n = await isolated('iso');
    const vmId = await vmOn(n);
    const vm = await h.ok('RunVm', {
      id: vmId,
      initialization: {
        nicConfigurations: [
          {
            name: 'eth0',
            bootProtocol: 'static',
            ip: { address: '10.9.0.1', netmask: '255.255.255.0' },
          },
        ],
      },
    });
    expect(vm.status).toBe('up');
    const start = agent.calls.find((c) => c.method === 'domainStart');
    expect(start?.args[0]).toMatchObject({
      boot: { kind: 'tiny', addresses: [{ nic: 'eth0', address: '10.9.0.1', prefix: 24 }] },
    });
    await expectRefused(
      h,
      agent,
      'RunVm',
      { id: vmId },
      'ACTION_TYPE_FAILED_VM_IS_RUNNING',
      'CONFLICT',
    );
    await h.ok('StopVm', { id: vmId });
    await expectRefused(
      h,
      agent,
      'StopVm',
      { id: vmId },
      'ACTION_TYPE_FAILED_VM_IS_NOT_RUNNING',
      'CONFLICT',
    );
  });
  it('refuses to run when a vNIC network is missing on the host', async () => {
    const n = await h.ok('AddNetwork', { name: 'nothere', dataCenter: DC });
    await h.ok('AttachNetworkToCluster', { cluster: CL, network: { id: n.id }, required: false });
    const vmId = await vmOn(n);
    await expectRefused(
      h,
      agent,
      'RunVm',
      { id: vmId },
      'SCHEDULING_ALL_HOSTS_FILTERED_OUT',
      'CONFLICT',
    );
  });
  it('vNIC profile rules', async () => {
    const vm = await h.ok('AddVm', { name: 'v', cluster: CL, template: { name: 'tiny' } });
    const out = await h.ok('AddNetwork', { name: 'outside', dataCenter: DC });
    const p = must((await h.ok('GetVnicProfilesByNetworkId', { networkId: out.id }))[0]);
    await expectRefused(
      h,
      agent,
      'AddVmInterface',
      { vmId: vm.id, name: 'nic1', vnicProfileId: p.id },
      'ACTION_TYPE_FAILED_NETWORK_NOT_IN_CLUSTER',
      'CONFLICT',
    );
    const nic = await h.ok('AddVmInterface', { vmId: vm.id, name: 'nic1' });
    expect(nic.mac).toBe('00:1a:4a:16:00:00');
    await expectRefused(
      h,
      agent,
      'AddVmInterface',
      { vmId: vm.id, name: 'nic1' },
      'NETWORK_INTERFACE_NAME_ALREADY_IN_USE',
      'CONFLICT',
    );
    await expectRefused(
      h,
      agent,
      'AddVm',
      { name: 'v', cluster: CL, template: { name: 'tiny' } },
      'ACTION_TYPE_FAILED_NAME_ALREADY_USED',
      'CONFLICT',
    );
    await expectRefused(
      h,
      agent,
      'RunVm',
      { id: (await h.ok('AddVm', { name: 'blank', cluster: CL, template: { name: 'Blank' } })).id },
      'VM_CANNOT_RUN_FROM_DISK_WITHOUT_DISK',
      'CONFLICT',
    );
  });
  it('a failed start leaves the VM down', async () => {
    const vm = await h.ok('AddVm', { name: 'v', cluster: CL, template: { name: 'tiny' } });
    agent.failNext('domainStart');
    await expectRefused(
      h,
      agent,
      'RunVm',
      { id: vm.id },
      'SETUP_NETWORKS_ROLLBACK',
      'BAD_PARAMETERS',
    );
    expect((await h.ok('GetVmById', { id: vm.id })).status).toBe('down');
  });
});

describe('input and errors', () => {
  it('rejects bad shapes with Invalid value / Incomplete parameters, and unknown ids with NOT_FOUND', async () => {
    const bad = await h.err('AddNetwork', {
      name: 'x',
      dataCenter: DC,
      mtu: 'big' as unknown as number,
    });
    expect(bad).toMatchObject({
      code: 'INVALID_INPUT',
      category: 'BAD_PARAMETERS',
      reason: 'Invalid value',
    });
    const incomplete = await h.err('AddNetwork', { dataCenter: DC } as unknown as {
      name: string;
      dataCenter: typeof DC;
    });
    expect(incomplete).toMatchObject({
      code: 'INCOMPLETE_PARAMETERS',
      reason: 'Incomplete parameters',
    });
    const nf = await h.err('GetNetworkById', { id: '11111111-2222-3333-4444-555555555555' });
    expect(nf.category).toBe('NOT_FOUND');
    const notUuid = await h.err('GetNetworkById', { id: 'nope' });
    expect(notUuid.code).toBe('INVALID_INPUT');
    const r = await h.engine.invoke(
      { userId: 'u', userName: 'user@internal', admin: false },
      'AddNetwork',
      { name: 'y', dataCenter: DC },
    );
    expect(!r.ok && r.error.category).toBe('NO_PERMISSION');
  });
  it('authenticates admin@internal with the scrypt hash', async () => {
    expect(await h.engine.authenticate('admin@internal', 'secret')).toMatchObject({
      userName: 'admin@internal',
      admin: true,
    });
    expect(await h.engine.authenticate('admin@internal', 'wrong')).toBeNull();
  });
});
