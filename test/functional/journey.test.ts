// SPDX-License-Identifier: Apache-2.0
/**
 * Issue 5's whole journey as one test over plain HTTP, with an SSO bearer token and the
 * headers ovirtsdk4 sends: network `blue` (isolated, MTU 9000) → attached to cluster
 * `Default` → the host shows an attachment without `host_nic`, in sync → two VMs from
 * `tiny` with NICs on blue's profile and static addresses → start → they ping each other
 * (checked through the serial console, reached over the web UI's RPC transport) → the
 * attachment's statistics counters rise → stop → remove everything → no bridge left.
 * Host effects are checked out of band (`ip -json`, `virsh`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { GuestConsole } from '../support/guest-console';
import { ipLink, virshState } from '../support/host-inspect';
import { openRpcConsole } from './rpc-client';
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
let token = '';
const cleanup: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  a = await startAppliance();
  token = await a.token();
});
afterAll(async () => {
  for (const step of cleanup.reverse()) await step().catch(() => undefined);
  await a?.stop();
});

/** A request as ovirtsdk4 sends it (XML both ways, Version: 4, bearer token). */
function sdk(method: string, path: string, body?: string): Promise<Reply> {
  return a.request(method, `${API}${path}`, {
    auth: { bearer: token },
    headers: { Version: '4', 'Content-Type': 'application/xml', 'User-Agent': 'PythonSDK/4.5.1' },
    ...(body !== undefined ? { body } : {}),
  });
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function statTotals(hostId: string, attId: string): Promise<Record<string, number>> {
  const r = await sdk('GET', `/hosts/${hostId}/networkattachments/${attId}/statistics`);
  expect(r.status).toBe(200);
  const out: Record<string, number> = {};
  for (const s of items(r.body, 'statistics', 'statistic')) {
    out[String(s.name)] = Number(at(arrayAt(s, 'values.value')[0], 'datum'));
  }
  return out;
}

describe('the whole journey (issue 5)', () => {
  it('blue: isolated MTU 9000 network, two tiny VMs pinging each other, then nothing left', async () => {
    const blue = uniqueName('blue');
    // ── Network blue, isolated, MTU 9000, in Default ───────────────────────────────────
    const add = await sdk(
      'POST',
      '/networks',
      `<network><isolated>true</isolated><mtu>9000</mtu><name>${blue}</name><data_center><name>Default</name></data_center></network>`,
    );
    expect(add.status).toBe(201);
    const netId = String(entity(add.body, 'network').id);
    cleanup.push(() => sdk('DELETE', `/networks/${netId}`));
    expect(entity(add.body, 'network').vdsm_name).toBe(blue);

    // ── Attach to cluster Default (required by default) ────────────────────────────────
    const clusters = await sdk('GET', `/clusters?search=${encodeURIComponent('name=Default')}`);
    const clusterId = String(items(clusters.body, 'clusters', 'cluster')[0]?.id);
    const attach = await sdk('POST', `/clusters/${clusterId}/networks`, `<network id="${netId}"/>`);
    expect(attach.status).toBe(201);
    expect(entity(attach.body, 'network').required).toBe('true');
    cleanup.push(() => sdk('DELETE', `/clusters/${clusterId}/networks/${netId}`));

    // ── The host carries it without a NIC, in sync ─────────────────────────────────────
    const hosts = await sdk('GET', '/hosts');
    const hostId = String(items(hosts.body, 'hosts', 'host')[0]?.id);
    // What an SDK client does (setup_networks without host_nic); a no-op when the engine has
    // already provisioned the required isolated network on the host.
    const setup = await sdk(
      'POST',
      `/hosts/${hostId}/setupnetworks`,
      `<action><commit_on_success>true</commit_on_success><modified_network_attachments><network_attachment><network><name>${blue}</name></network></network_attachment></modified_network_attachments></action>`,
    );
    expect(setup.status).toBe(200);
    expect(entity(setup.body, 'action').status).toBe('complete');
    const atts = await sdk('GET', `/hosts/${hostId}/networkattachments`);
    const att = items(atts.body, 'network_attachments', 'network_attachment').find(
      (x) => at(x, 'network.id') === netId,
    );
    expect(att).toBeDefined();
    const attId = String(att?.id);
    expect(att).not.toHaveProperty('host_nic');
    expect(att?.in_sync).toBe('true');
    const bridge = await ipLink(blue);
    expect(bridge?.mtu).toBe(9000);
    expect(bridge?.linkinfo?.info_kind).toBe('bridge');

    // ── Two VMs from tiny, NICs on blue's profile, static addresses ────────────────────
    const profiles = await sdk('GET', `/networks/${netId}/vnicprofiles`);
    const profileId = String(items(profiles.body, 'vnic_profiles', 'vnic_profile')[0]?.id);
    const subnet = `10.${String(40 + Math.floor(Math.random() * 50))}.${String(Math.floor(Math.random() * 250))}`;
    const vms: { id: string; name: string; ip: string }[] = [];
    for (const n of [1, 2]) {
      const name = uniqueName(`vm${String(n)}`);
      const ip = `${subnet}.${String(n)}`;
      const vm = await sdk(
        'POST',
        '/vms',
        `<vm><memory>${String(192 * 1024 * 1024)}</memory><name>${name}</name><cluster><name>Default</name></cluster><template><name>tiny</name></template><initialization><nic_configurations><nic_configuration><boot_protocol>static</boot_protocol><name>eth0</name><ip><address>${ip}</address><netmask>255.255.255.0</netmask></ip></nic_configuration></nic_configurations></initialization></vm>`,
      );
      expect(vm.status).toBe(201);
      const id = String(entity(vm.body, 'vm').id);
      cleanup.push(() => sdk('DELETE', `/vms/${id}`));
      cleanup.push(() => sdk('POST', `/vms/${id}/stop`, '<action/>'));
      const nic = await sdk(
        'POST',
        `/vms/${id}/nics`,
        `<nic><interface>virtio</interface><name>nic1</name><vnic_profile id="${profileId}"/></nic>`,
      );
      expect(nic.status).toBe(201);
      vms.push({ id, name, ip });
    }

    // ── Start (cloud-init shaped addressing) ──────────────────────────────────────────
    for (const vm of vms) {
      const start = await sdk(
        'POST',
        `/vms/${vm.id}/start`,
        '<action><use_cloud_init>true</use_cloud_init></action>',
      );
      expect(start.status, start.text).toBe(200);
      expect(entity(start.body, 'action').status).toBe('complete');
      expect(entity((await sdk('GET', `/vms/${vm.id}`)).body, 'vm').status).toMatch(
        /^(up|powering_up)$/,
      );
    }
    const before = await statTotals(hostId, attId);
    expect(Object.keys(before)).toEqual(
      expect.arrayContaining([
        'data.total.rx',
        'data.total.tx',
        'errors.total.rx',
        'errors.total.tx',
      ]),
    );

    // ── They ping each other, checked on their serial consoles (RPC transport) ─────────
    const [vm1, vm2] = vms as [(typeof vms)[number], (typeof vms)[number]];
    for (const [from, to] of [
      [vm1, vm2],
      [vm2, vm1],
    ] as const) {
      const c = await GuestConsole.open(await openRpcConsole(a.origin, token, from.id), 120_000);
      try {
        const mtu = await c.run('cat /sys/class/net/eth0/mtu');
        expect(mtu.output.trim()).toBe('9000');
        const addr = await c.run('ip -4 -o addr show eth0');
        expect(addr.output).toContain(`${from.ip}/24`);
        const ping = await c.run(`ping -c 3 -W 3 ${to.ip}`, 60_000);
        expect(ping.exitCode, ping.output).toBe(0);
        expect(ping.output).toMatch(/3 packets received/);
        const jumbo = await c.run(`ping -c 2 -W 3 -s 8000 ${to.ip}`, 60_000);
        expect(jumbo.exitCode, jumbo.output).toBe(0);
      } finally {
        c.close();
      }
    }

    // ── Attachment statistics counters rise ───────────────────────────────────────────
    let after = await statTotals(hostId, attId);
    for (
      let i = 0;
      i < 10 &&
      (after['data.total.rx'] ?? 0) + (after['data.total.tx'] ?? 0) <=
        (before['data.total.rx'] ?? 0) + (before['data.total.tx'] ?? 0);
      i++
    ) {
      await sleep(1_000);
      after = await statTotals(hostId, attId);
    }
    expect((after['data.total.rx'] ?? 0) + (after['data.total.tx'] ?? 0)).toBeGreaterThan(
      (before['data.total.rx'] ?? 0) + (before['data.total.tx'] ?? 0),
    );

    // ── Stop: one by ACPI shutdown, one by power-off ─────────────────────────────────
    for (const [vm, verb] of [
      [vm1, 'shutdown'],
      [vm2, 'stop'],
    ] as const) {
      const stop = await sdk('POST', `/vms/${vm.id}/${verb}`, '<action/>');
      expect(stop.status).toBe(200);
      expect(entity(stop.body, 'action').status).toBe('complete');
      expect(entity((await sdk('GET', `/vms/${vm.id}`)).body, 'vm').status).toBe('down');
    }

    // ── Remove everything; no bridge left ─────────────────────────────────────────────
    for (const vm of vms) {
      expect((await sdk('DELETE', `/vms/${vm.id}`)).status).toBe(200);
      expect((await sdk('GET', `/vms/${vm.id}`)).status).toBe(404);
      expect(await virshState(vm.id)).toBe('missing');
    }
    const detach = await sdk('DELETE', `/clusters/${clusterId}/networks/${netId}`);
    expect(detach.status, detach.text).toBe(200);
    const removed = await sdk('DELETE', `/networks/${netId}`);
    expect(removed.status, removed.text).toBe(200);
    expect((await sdk('GET', `/networks/${netId}`)).status).toBe(404);
    const remaining = await sdk('GET', `/hosts/${hostId}/networkattachments`);
    expect(
      items(remaining.body, 'network_attachments', 'network_attachment').filter(
        (x) => at(x, 'network.id') === netId,
      ),
    ).toEqual([]);
    expect(await ipLink(blue)).toBeUndefined();
  });
});
