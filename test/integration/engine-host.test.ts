// SPDX-License-Identifier: Apache-2.0
/**
 * The engine against the REAL host layer (createLocalHostAgent: iproute2 + libvirt):
 * auto-deploy of an isolated network to the local host on cluster attach, and host
 * activation re-validation re-creating a bridge deleted behind the engine's back — checked
 * out of band with `ip -json link`. Names use this run's prefix (family `eh`); everything
 * is removed at the end, and stale objects of dead `eh` runs are swept first.
 */
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { run } from '../../libvirt/exec';
import type { HostAgent } from '../../libvirt/host-agent';
import { createLocalHostAgent } from '../../libvirt/local-host-agent';
import type { Host } from '../../main/contract/hosts';
import { tapNameOf } from '../../main/engine/commands/vm/run-vm.command';
import { type Harness, must, startHarness } from '../fixtures/engine-harness';
import { ipLink } from '../support/host-inspect';
import { claimRunPrefix, releaseRunPrefix, runDir, sweepStale } from '../support/run-prefix';

const FAMILY = 'eh';
const isRoot = process.getuid?.() === 0;
const skip = isRoot ? false : 'needs root to create bridges';
if (skip) console.log(`engine-host.test.ts skipped: ${skip}`);

let prefix = '';
let agent: HostAgent | null = null;
let h: Harness | null = null;
let host: Host;
let bridge = '';
let vmId: string | null = null;

describe.skipIf(Boolean(skip))('engine on the real host layer', () => {
  beforeAll(async () => {
    await sweepStale(FAMILY);
    prefix = claimRunPrefix(FAMILY);
    bridge = `${prefix}iso`;
    agent = createLocalHostAgent({ stateDir: join(runDir(prefix), 'host-state') });
    h = await startHarness(agent, join(runDir(prefix), 'engine'));
    host = must((await h.ok('GetAllHosts', {}))[0], 'host');
  });

  afterAll(async () => {
    try {
      if (h && vmId) {
        const admin = { userId: 't', userName: 'admin@internal', admin: true };
        await h.engine.invoke(admin, 'StopVm', { id: vmId });
        await h.engine.invoke(admin, 'RemoveVm', { id: vmId });
      }
      if (h) {
        const nets = await h.ok('GetAllNetworks', {});
        for (const n of nets.filter((x) => x.name.startsWith(prefix))) {
          await h.engine.invoke(
            { userId: 't', userName: 'admin@internal', admin: true },
            'DetachNetworkFromCluster',
            { clusterId: host.clusterId, networkId: n.id },
          );
          await h.engine.invoke(
            { userId: 't', userName: 'admin@internal', admin: true },
            'RemoveNetwork',
            { id: n.id },
          );
        }
        await h.close();
      }
    } finally {
      if (await ipLink(bridge)) await run('ip', ['link', 'del', bridge]);
      await agent?.close();
      if (prefix) releaseRunPrefix(prefix);
    }
  });

  it('registers and activates the local host with its kernel NICs', async () => {
    expect(host.status).toBe('up');
    const nics = await must(h).ok('GetHostNicsByHostId', { hostId: host.id });
    expect(nics.length).toBeGreaterThan(0);
    for (const n of nics) expect(await ipLink(n.name)).toBeDefined();
  });

  it('auto-deploys an isolated network to the Up host on cluster attach (NIC-less, MTU 9000)', async () => {
    const hh = must(h);
    const n = await hh.ok('AddNetwork', {
      name: bridge,
      dataCenter: { name: 'Default' },
      mtu: 9000,
      isolated: true,
    });
    expect(n.vdsmName).toBe(bridge);
    await hh.ok('AttachNetworkToCluster', { cluster: { name: 'Default' }, network: { id: n.id } });
    const link = await ipLink(bridge);
    expect(link?.mtu).toBe(9000);
    expect(link?.linkinfo?.info_kind).toBe('bridge');
    const [a] = (await hh.ok('GetNetworkAttachmentsByHostId', { hostId: host.id })).filter(
      (x) => x.networkId === n.id,
    );
    expect(a).toMatchObject({ hostNicId: null, inSync: true });
    expect(a?.reportedConfigurations.find((r) => r.name === 'mtu')?.actualValue).toBe('9000');
    const stats = await hh.ok('GetAttachmentStatistics', { hostId: host.id, id: must(a).id });
    expect(stats.find((s) => s.name === 'data.total.rx')?.unit).toBe('bytes');
  });

  it("host activation re-creates a bridge deleted behind the engine's back", async () => {
    const hh = must(h);
    await run('ip', ['link', 'del', bridge]);
    expect(await ipLink(bridge)).toBeUndefined();
    await hh.ok('DeactivateHost', { hostId: host.id });
    const activated = await hh.ok('ActivateHost', { hostId: host.id });
    expect(activated.status).toBe('up');
    expect((await ipLink(bridge))?.mtu).toBe(9000);
    const [a] = (await hh.ok('GetNetworkAttachmentsByHostId', { hostId: host.id })).filter(
      (x) => x.networkName === bridge,
    );
    expect(a?.inSync).toBe(true);
  });

  it('an engine restart re-validates too (the local host coming Up)', async () => {
    await run('ip', ['link', 'del', bridge]);
    h = await must(h).restart();
    expect((await ipLink(bridge))?.mtu).toBe(9000);
  });

  it("an MTU change reaches the bridge and a running VM's tap", async () => {
    const hh = must(h);
    const n = must((await hh.ok('GetAllNetworks', {})).find((x) => x.name === bridge));
    const vm = await hh.ok('AddVm', {
      name: `${prefix}vm`,
      cluster: { name: 'Default' },
      template: { name: 'tiny' },
    });
    vmId = vm.id;
    const profile = must((await hh.ok('GetVnicProfilesByNetworkId', { networkId: n.id }))[0]);
    const nic = await hh.ok('AddVmInterface', {
      vmId: vm.id,
      name: 'nic1',
      vnicProfileId: profile.id,
    });
    await hh.ok('RunVm', {
      id: vm.id,
      initialization: {
        nicConfigurations: [
          { name: 'eth0', bootProtocol: 'static', ip: { address: '10.77.0.1', netmask: '24' } },
        ],
      },
    });
    const tap = tapNameOf(nic.id);
    expect((await ipLink(tap))?.master).toBe(bridge);
    expect((await ipLink(tap))?.mtu).toBe(9000);
    await hh.ok('UpdateNetwork', { id: n.id, mtu: 4000 });
    expect((await ipLink(bridge))?.mtu).toBe(4000);
    expect((await ipLink(tap))?.mtu).toBe(4000);
    // Removing the attachment under a running VM is refused, and nothing changed on the host.
    const [a] = (await hh.ok('GetNetworkAttachmentsByHostId', { hostId: host.id })).filter(
      (x) => x.networkId === n.id,
    );
    const e = await hh.err('DetachNetworkFromCluster', {
      clusterId: host.clusterId,
      networkId: n.id,
    });
    expect(e).toMatchObject({
      code: 'NETWORK_CANNOT_DETACH_NETWORK_USED_BY_VMS',
      category: 'CONFLICT',
    });
    expect(a).toBeDefined();
    expect((await ipLink(bridge))?.mtu).toBe(4000);
    await hh.ok('StopVm', { id: vm.id });
    expect(await ipLink(tap)).toBeUndefined();
    await hh.ok('RemoveVm', { id: vm.id });
    vmId = null;
    await hh.ok('UpdateNetwork', { id: n.id, mtu: 9000 });
  });

  it('detach and remove leave no bridge behind', async () => {
    const hh = must(h);
    const n = must((await hh.ok('GetAllNetworks', {})).find((x) => x.name === bridge));
    await hh.ok('DetachNetworkFromCluster', { clusterId: host.clusterId, networkId: n.id });
    expect(await ipLink(bridge)).toBeUndefined();
    await hh.ok('RemoveNetwork', { id: n.id });
  });
});
