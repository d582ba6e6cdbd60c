// SPDX-License-Identifier: Apache-2.0
import { afterEach, describe, expect, it } from 'vitest';

import { DEFAULT_DATA_CENTER_ID } from '../../main/contract/data-centers';
import { type Harness, must, removeDir, startHarness } from '../fixtures/engine-harness';
import { RecordingHostAgent } from '../fixtures/recording-host-agent';

let h: Harness | null = null;
afterEach(async () => {
  if (h) {
    await h.close();
    removeDir(h.dir);
    h = null;
  }
});

describe('engine start and the isolated-network journey (fake host)', () => {
  it('seeds, registers and activates the host, deploys an isolated network NIC-less', async () => {
    const agent = new RecordingHostAgent();
    h = await startHarness(agent);
    const [dc] = await h.ok('GetAllDataCenters', {});
    expect(dc?.id).toBe(DEFAULT_DATA_CENTER_ID);
    const host = must((await h.ok('GetAllHosts', {}))[0], 'host');
    expect(host.status).toBe('up');
    expect((await h.ok('GetHostNicsByHostId', { hostId: host.id })).map((n) => n.name)).toEqual([
      'eth0',
      'eth1',
    ]);
    const templates = await h.ok('GetAllTemplates', {});
    expect(templates.map((t) => t.name).sort()).toEqual(['Blank', 'tiny']);

    const blue = await h.ok('AddNetwork', {
      name: 'blue',
      dataCenter: { name: 'Default' },
      mtu: 9000,
      isolated: true,
    });
    expect(blue.vdsmName).toBe('blue');
    expect(await h.ok('GetVnicProfilesByNetworkId', { networkId: blue.id })).toHaveLength(1);
    const cn = await h.ok('AttachNetworkToCluster', {
      cluster: { name: 'Default' },
      network: { id: blue.id },
    });
    expect(cn.cluster.required).toBe(true);
    const atts = await h.ok('GetNetworkAttachmentsByHostId', { hostId: host.id });
    expect(atts).toHaveLength(1);
    expect(atts[0]?.hostNicId).toBeNull();
    expect(atts[0]?.inSync).toBe(true);
    expect(agent.bridges.get('blue')?.mtu).toBe(9000);
    const stats = await h.ok('GetAttachmentStatistics', { hostId: host.id, id: must(atts[0]).id });
    expect(stats.map((s) => s.name)).toContain('data.total.rx');
    const events = await h.ok('GetEvents', {});
    expect(events.some((e) => e.code === 'NETWORK_ATTACH_NETWORK_TO_CLUSTER')).toBe(true);
  });
});
