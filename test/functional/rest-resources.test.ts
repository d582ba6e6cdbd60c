// SPDX-License-Identifier: Apache-2.0
/**
 * Every REST resource over real HTTP, in XML and in JSON, against a real engine: data
 * centers, clusters (+ networks in cluster context), networks (+ vNIC profiles, labels),
 * vNIC profiles, hosts (+ actions, NICs with statistics and labels, network attachments with
 * statistics, host-level labels), VMs (+ NICs, statistics), templates, events, and search.
 * State is checked back through the API after each change.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  API,
  type Appliance,
  arrayAt,
  at,
  entity,
  items,
  type Reply,
  startAppliance,
  uniqueName,
} from './support';

let a: Appliance;
beforeAll(async () => {
  a = await startAppliance();
});
afterAll(async () => {
  await a?.stop();
});

const STAT_NAMES = [
  'data.current.rx',
  'data.current.tx',
  'data.current.rx.bps',
  'data.current.tx.bps',
  'data.total.rx',
  'data.total.tx',
  'errors.total.rx',
  'errors.total.tx',
];

/** Bodies in both formats, built from one description. */
function body(
  format: 'xml' | 'json',
  root: string,
  json: Record<string, unknown>,
  xml: string,
): string {
  return format === 'json' ? JSON.stringify(json) : `<${root}>${xml}</${root}>`;
}

describe.each(['xml', 'json'] as const)('resources in %s', (format) => {
  const get = (path: string): Promise<Reply> => a.request('GET', `${API}${path}`, { format });
  const post = (path: string, b: string): Promise<Reply> =>
    a.request('POST', `${API}${path}`, { format, body: b });
  const put = (path: string, b: string): Promise<Reply> =>
    a.request('PUT', `${API}${path}`, { format, body: b });
  const del = (path: string): Promise<Reply> => a.request('DELETE', `${API}${path}`, { format });
  const expectType = (r: { headers: Headers }): void => {
    expect(r.headers.get('content-type')).toMatch(
      format === 'json' ? /^application\/json/ : /^application\/xml/,
    );
  };

  let dcId = '';
  let clusterId = '';
  let hostId = '';

  it('lists and reads data centers and clusters', async () => {
    const dcs = await get('/datacenters');
    expect(dcs.status).toBe(200);
    expectType(dcs);
    const dc = items(dcs.body, 'data_centers', 'data_center').find((d) => d.name === 'Default');
    expect(dc).toBeDefined();
    dcId = String(dc?.id);
    expect(dc?.href).toBe(`${API}/datacenters/${dcId}`);
    const one = await get(`/datacenters/${dcId}`);
    expect(entity(one.body, 'data_center').name).toBe('Default');
    expect(arrayAt(entity(one.body, 'data_center'), 'link').map((l) => l.rel)).toContain(
      'networks',
    );

    const clusters = await get('/clusters?search=name%3DDefault');
    const cluster = items(clusters.body, 'clusters', 'cluster')[0];
    expect(cluster?.name).toBe('Default');
    clusterId = String(cluster?.id);
    expect(at(cluster, 'data_center.id')).toBe(dcId);
    const c = await get(`/clusters/${clusterId}`);
    expect(entity(c.body, 'cluster').id).toBe(clusterId);
    const dcClusters = await get(`/datacenters/${dcId}/clusters`);
    expect(items(dcClusters.body, 'clusters', 'cluster').map((x) => x.id)).toContain(clusterId);
    const bySearch = await get(
      `/datacenters?search=${encodeURIComponent('Clusters.name=Default')}`,
    );
    expect(items(bySearch.body, 'data_centers', 'data_center').map((d) => d.id)).toContain(dcId);
  });

  it('follows the API root to the authenticated user (admin@internal-authz, no password)', async () => {
    const root = await get('');
    const href = String(at(entity(root.body, 'api'), 'authenticated_user.href'));
    expect(href).toMatch(new RegExp(`^${API}/users/`));
    const user = await a.request('GET', href, { format });
    expect(user.status).toBe(200);
    const u = entity(user.body, 'user');
    expect(u.user_name).toBe('admin@internal-authz');
    expect(at(u, 'domain.name')).toBe('internal-authz');
    expect(JSON.stringify(user.body)).not.toMatch(/scrypt|password/i);
    const all = items((await get('/users?search=name%3Dadmin')).body, 'users', 'user');
    expect(all.map((x) => x.href)).toEqual([href]);
    expect((await get('/users/00000000-0000-0000-0000-00000000abcd')).status).toBe(404);
  });

  it('lists templates Blank and tiny', async () => {
    const r = await get('/templates');
    const names = items(r.body, 'templates', 'template').map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(['Blank', 'tiny']));
    const blank = await get('/templates/00000000-0000-0000-0000-000000000000');
    expect(entity(blank.body, 'template').name).toBe('Blank');
  });

  it('reads the host, its NICs with statistics, and runs deactivate/activate', async () => {
    const hosts = await get('/hosts');
    const host = items(hosts.body, 'hosts', 'host')[0];
    expect(host).toBeDefined();
    hostId = String(host?.id);
    expect(at(host, 'status')).toBe('up');
    const actions = arrayAt(host, 'actions.link').map((l) => l.rel);
    expect(actions).toEqual(
      expect.arrayContaining(['activate', 'deactivate', 'setupnetworks', 'commitnetconfig']),
    );
    const nics = await get(`/hosts/${hostId}/nics`);
    expect(nics.status).toBe(200);
    const nic = items(nics.body, 'host_nics', 'host_nic')[0];
    if (nic !== undefined) {
      const stats = await get(`/hosts/${hostId}/nics/${String(nic.id)}/statistics`);
      const list = items(stats.body, 'statistics', 'statistic');
      expect(list.map((s) => s.name).sort()).toEqual([...STAT_NAMES].sort());
      const total = list.find((s) => s.name === 'data.total.rx');
      expect(total?.id).toBe('0b9ddd6a-fc1b-398a-9f95-7a863c753017');
      expect(total?.unit).toBe('bytes');
      expect(at(total, 'host_nic.id')).toBe(nic.id);
      const one = await get(
        `/hosts/${hostId}/nics/${String(nic.id)}/statistics/0b9ddd6a-fc1b-398a-9f95-7a863c753017`,
      );
      expect(entity(one.body, 'statistic').name).toBe('data.total.rx');
      const nicLabels = await get(`/hosts/${hostId}/nics/${String(nic.id)}/networklabels`);
      expect(nicLabels.status).toBe(200);
    } else {
      console.log('host has no NICs: NIC statistics not checked');
    }
    const commit = await post(
      `/hosts/${hostId}/commitnetconfig`,
      format === 'json' ? '{}' : '<action/>',
    );
    expect(commit.status, commit.text).toBe(200);
    expect(entity(commit.body, 'action').status).toBe('complete');
    const deactivate = await post(
      `/hosts/${hostId}/deactivate`,
      format === 'json' ? '{}' : '<action/>',
    );
    expect(deactivate.status).toBe(200);
    expect(entity(deactivate.body, 'action').status).toBe('complete');
    expect(entity((await get(`/hosts/${hostId}`)).body, 'host').status).toBe('maintenance');
    const activate = await post(
      `/hosts/${hostId}/activate`,
      format === 'json' ? '{}' : '<action/>',
    );
    expect(entity(activate.body, 'action').status).toBe('complete');
    expect(entity((await get(`/hosts/${hostId}`)).body, 'host').status).toBe('up');
  });

  it('creates, finds, updates, labels and removes a network with its profiles', async () => {
    const name = uniqueName(format === 'json' ? 'nj' : 'nx');
    const add = await post(
      '/networks',
      body(
        format,
        'network',
        {
          name,
          description: 'h4 test',
          mtu: 9000,
          isolated: true,
          data_center: { name: 'Default' },
        },
        `<name>${name}</name><description>h4 test</description><mtu>9000</mtu><isolated>true</isolated><data_center><name>Default</name></data_center>`,
      ),
    );
    expect(add.status).toBe(201);
    expectType(add);
    const net = entity(add.body, 'network');
    const id = String(net.id);
    expect(add.headers.get('location')).toBe(`${API}/networks/${id}`);
    expect(net.mtu).toBe('9000');
    expect(net.isolated).toBe('true');
    expect(net.vdsm_name).toBe(name);
    expect(at(net, 'data_center.id')).toBe(dcId);
    expect(arrayAt(net, 'usages.usage')).toEqual(['vm']);
    expect(arrayAt(net, 'link').map((l) => l.rel)).toEqual(
      expect.arrayContaining(['vnicprofiles', 'networklabels']),
    );

    const search = await get(
      `/networks?search=${encodeURIComponent(`name="${name}" and datacenter="Default"`)}`,
    );
    expect(items(search.body, 'networks', 'network').map((n) => n.id)).toEqual([id]);
    const none = await get(
      `/networks?search=${encodeURIComponent(`name="${name}" and datacenter="Nowhere"`)}`,
    );
    expect(items(none.body, 'networks', 'network')).toEqual([]);
    if (format === 'xml') expect(none.text).toContain('<networks/>');

    const upd = await put(
      `/networks/${id}`,
      body(format, 'network', { description: 'changed' }, '<description>changed</description>'),
    );
    expect(upd.status).toBe(200);
    expect(entity((await get(`/networks/${id}`)).body, 'network').description).toBe('changed');

    // The default vNIC profile is named like the network.
    const profiles = await get(`/networks/${id}/vnicprofiles`);
    const def = items(profiles.body, 'vnic_profiles', 'vnic_profile');
    expect(def.map((p) => p.name)).toEqual([name]);
    expect(at(def[0], 'network.id')).toBe(id);
    const extra = await post(
      `/networks/${id}/vnicprofiles`,
      body(format, 'vnic_profile', { name: `${name}-b` }, `<name>${name}-b</name>`),
    );
    expect(extra.status).toBe(201);
    const extraId = String(entity(extra.body, 'vnic_profile').id);
    expect(entity((await get(`/vnicprofiles/${extraId}`)).body, 'vnic_profile').name).toBe(
      `${name}-b`,
    );
    const all = await get('/vnicprofiles');
    expect(items(all.body, 'vnic_profiles', 'vnic_profile').map((p) => p.id)).toContain(extraId);
    const third = await post(
      '/vnicprofiles',
      body(
        format,
        'vnic_profile',
        { name: `${name}-c`, network: { id } },
        `<name>${name}-c</name><network id="${id}"/>`,
      ),
    );
    expect(third.status).toBe(201);
    expect(
      (await del(`/vnicprofiles/${String(entity(third.body, 'vnic_profile').id)}`)).status,
    ).toBe(200);
    expect((await del(`/vnicprofiles/${extraId}`)).status).toBe(200);
    expect((await get(`/vnicprofiles/${extraId}`)).status).toBe(404);

    const label = `lbl_${format}`;
    const addLabel = await post(
      `/networks/${id}/networklabels`,
      format === 'json' ? JSON.stringify({ id: label }) : `<network_label id="${label}"/>`,
    );
    expect(addLabel.status).toBe(201);
    expect(entity(addLabel.body, 'network_label').id).toBe(label);
    const labels = await get(`/networks/${id}/networklabels`);
    expect(items(labels.body, 'network_labels', 'network_label').map((l) => l.id)).toEqual([label]);
    expect((await get(`/networks/${id}/networklabels/${label}`)).status).toBe(200);
    expect((await del(`/networks/${id}/networklabels/${label}`)).status).toBe(200);
    expect(
      items((await get(`/networks/${id}/networklabels`)).body, 'network_labels', 'network_label'),
    ).toEqual([]);

    const removed = await del(`/networks/${id}`);
    expect(removed.status).toBe(200);
    expect(entity(removed.body, 'action').status).toBe('complete');
    expect((await get(`/networks/${id}`)).status).toBe(404);
  });

  it('adds a network through its data center and attaches it to the cluster (required)', async () => {
    const name = uniqueName(format === 'json' ? 'cj' : 'cx');
    const add = await post(
      `/datacenters/${dcId}/networks`,
      body(format, 'network', { name }, `<name>${name}</name>`),
    );
    expect(add.status).toBe(201);
    const id = String(entity(add.body, 'network').id);
    expect((await get(`/datacenters/${dcId}/networks/${id}`)).status).toBe(200);
    expect(
      items((await get(`/datacenters/${dcId}/networks`)).body, 'networks', 'network').map(
        (n) => n.id,
      ),
    ).toContain(id);

    const attach = await post(
      `/clusters/${clusterId}/networks`,
      format === 'json'
        ? JSON.stringify({ id, required: 'false' })
        : `<network id="${id}"><required>false</required></network>`,
    );
    expect(attach.status).toBe(201);
    const cn = entity(attach.body, 'network');
    expect(cn.required).toBe('false');
    expect(at(cn, 'cluster.id')).toBe(clusterId);
    expect(cn.href).toBe(`${API}/clusters/${clusterId}/networks/${id}`);
    const list = await get(`/clusters/${clusterId}/networks`);
    expect(items(list.body, 'networks', 'network').map((n) => n.id)).toContain(id);
    const upd = await put(
      `/clusters/${clusterId}/networks/${id}`,
      body(format, 'network', { required: true }, '<required>true</required>'),
    );
    expect(upd.status).toBe(200);
    expect(
      entity((await get(`/clusters/${clusterId}/networks/${id}`)).body, 'network').required,
    ).toBe('true');
    expect((await del(`/clusters/${clusterId}/networks/${id}`)).status).toBe(200);
    expect((await get(`/clusters/${clusterId}/networks/${id}`)).status).toBe(404);
    expect((await del(`/networks/${id}`)).status).toBe(200);
  });

  it('manages host-level labels and lists network attachments', async () => {
    const label = `h4hl_${format}`;
    const add = await post(
      `/hosts/${hostId}/networklabels`,
      format === 'json' ? JSON.stringify({ id: label }) : `<network_label id="${label}"/>`,
    );
    expect(add.status).toBe(201);
    expect(entity(add.body, 'network_label').id).toBe(label);
    expect(at(entity(add.body, 'network_label'), 'host.id')).toBe(hostId);
    expect(
      items(
        (await get(`/hosts/${hostId}/networklabels`)).body,
        'network_labels',
        'network_label',
      ).map((l) => l.id),
    ).toContain(label);
    expect((await get(`/hosts/${hostId}/networklabels/${label}`)).status).toBe(200);
    expect((await del(`/hosts/${hostId}/networklabels/${label}`)).status).toBe(200);
    expect((await get(`/hosts/${hostId}/networklabels/${label}`)).status).toBe(404);
    const atts = await get(`/hosts/${hostId}/networkattachments`);
    expect(atts.status).toBe(200);
    expectType(atts);
  });

  it('creates a VM with NICs and static addresses, reads its statistics, removes it', async () => {
    const netName = uniqueName(format === 'json' ? 'vj' : 'vx');
    const net = await post(
      '/networks',
      body(
        format,
        'network',
        { name: netName, data_center: { name: 'Default' } },
        `<name>${netName}</name><data_center><name>Default</name></data_center>`,
      ),
    );
    const netId = String(entity(net.body, 'network').id);
    expect(
      (
        await post(
          `/clusters/${clusterId}/networks`,
          format === 'json' ? JSON.stringify({ id: netId }) : `<network id="${netId}"/>`,
        )
      ).status,
    ).toBe(201);
    const profileId = String(
      items((await get(`/networks/${netId}/vnicprofiles`)).body, 'vnic_profiles', 'vnic_profile')[0]
        ?.id,
    );

    const vmName = uniqueName(format === 'json' ? 'mj' : 'mx');
    const add = await post(
      '/vms',
      body(
        format,
        'vm',
        {
          name: vmName,
          memory: 201326592,
          cluster: { name: 'Default' },
          template: { name: 'tiny' },
          initialization: {
            nic_configurations: {
              nic_configuration: [
                {
                  name: 'eth0',
                  boot_protocol: 'static',
                  ip: { address: '10.77.0.1', netmask: '255.255.255.0' },
                },
              ],
            },
          },
        },
        `<name>${vmName}</name><memory>201326592</memory><cluster><name>Default</name></cluster><template><name>tiny</name></template><initialization><nic_configurations><nic_configuration><name>eth0</name><boot_protocol>static</boot_protocol><ip><address>10.77.0.1</address><netmask>255.255.255.0</netmask></ip></nic_configuration></nic_configurations></initialization>`,
      ),
    );
    expect(add.status).toBe(201);
    const vm = entity(add.body, 'vm');
    const vmId = String(vm.id);
    expect(vm.status).toBe('down');
    expect(vm.memory).toBe('201326592');
    expect(arrayAt(vm, 'actions.link').map((l) => l.rel)).toEqual(
      expect.arrayContaining(['start', 'stop', 'shutdown']),
    );
    expect(
      at(arrayAt(vm, 'initialization.nic_configurations.nic_configuration')[0], 'ip.address'),
    ).toBe('10.77.0.1');

    const search = await get(`/vms?search=${encodeURIComponent(`name=${vmName}`)}`);
    expect(items(search.body, 'vms', 'vm').map((v) => v.id)).toEqual([vmId]);

    const nic = await post(
      `/vms/${vmId}/nics`,
      body(
        format,
        'nic',
        { name: 'nic1', interface: 'virtio', vnic_profile: { id: profileId } },
        `<name>nic1</name><interface>virtio</interface><vnic_profile id="${profileId}"/>`,
      ),
    );
    expect(nic.status).toBe(201);
    const nicId = String(entity(nic.body, 'nic').id);
    expect(at(entity(nic.body, 'nic'), 'vnic_profile.id')).toBe(profileId);
    expect(String(at(entity(nic.body, 'nic'), 'mac.address'))).toMatch(
      /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/,
    );
    const badNic = await post(
      `/vms/${vmId}/nics`,
      body(
        format,
        'nic',
        { name: 'nic2', interface: 'token_ring' },
        '<name>nic2</name><interface>token_ring</interface>',
      ),
    );
    expect(badNic.status).toBe(400);
    const dupNic = await post(
      `/vms/${vmId}/nics`,
      body(format, 'nic', { name: 'nic1' }, '<name>nic1</name>'),
    );
    expect(dupNic.status).toBe(409);
    const nics = await get(`/vms/${vmId}/nics`);
    expect(items(nics.body, 'nics', 'nic').map((n) => n.id)).toEqual([nicId]);
    expect((await get(`/vms/${vmId}/nics/${nicId}`)).status).toBe(200);
    const nicStats = await get(`/vms/${vmId}/nics/${nicId}/statistics`);
    expect(nicStats.status).toBe(200);
    const stats = await get(`/vms/${vmId}/statistics`);
    expect(stats.status).toBe(200);
    expectType(stats);

    const vmUpd = await put(
      `/vms/${vmId}`,
      body(format, 'vm', { description: 'h4' }, '<description>h4</description>'),
    );
    expect(vmUpd.status).toBe(200);
    expect(entity(vmUpd.body, 'vm').description).toBe('h4');

    expect((await del(`/vms/${vmId}/nics/${nicId}`)).status).toBe(200);
    expect((await del(`/vms/${vmId}`)).status).toBe(200);
    expect((await get(`/vms/${vmId}`)).status).toBe(404);
    expect((await del(`/clusters/${clusterId}/networks/${netId}`)).status).toBe(200);
    expect((await del(`/networks/${netId}`)).status).toBe(200);
  });

  it('lists audit events', async () => {
    const r = await get('/events');
    expect(r.status).toBe(200);
    const events = items(r.body, 'events', 'event');
    expect(events.length).toBeGreaterThan(0);
    expect(events[0]).toHaveProperty('description');
    expect((await get(`/events/${String(events[0]?.id)}`)).status).toBe(200);
    // The oldest event too (GetEventById, not a scan of the newest events).
    const oldest = events[events.length - 1];
    const one = await get(`/events/${String(oldest?.id)}`);
    expect(one.status).toBe(200);
    expect(entity(one.body, 'event').id).toBe(oldest?.id);
    for (const missing of ['999999999', 'abc', '0']) {
      const r404 = await get(`/events/${missing}`);
      expect(r404.status).toBe(404);
      expect(r404.text).toBe('');
    }
  });
});
