// SPDX-License-Identifier: Apache-2.0
/**
 * What oVirt's real clients send, replayed without them: the requests below are the ones
 * Ansible's `ovirt.ovirt` collection 2.4.1 sent through Python SDK 4.6.3 (recorded by a
 * logging proxy in front of the appliance), with the SDK's headers, and each answer is
 * checked for what the client reads next — in particular the fields its `update_check`
 * compares, so that a second run finds nothing to change. Runs everywhere (no SDK needed);
 * ovirt-ansible.test.ts runs the collection itself where an SDK is available.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { run } from '../../libvirt/exec';
import {
  API,
  type Appliance,
  arrayAt,
  at,
  entity,
  items,
  parseXmlDoc,
  type Reply,
  startAppliance,
  uniqueName,
} from './support';

let a: Appliance;
let token = '';

/** The headers ovirtsdk4 4.6.3 sends on every API request (Content-Type even on GET). */
const SDK_HEADERS = {
  'User-Agent': 'PythonSDK/4.6.3',
  Version: '4',
  'Content-Type': 'application/xml',
  Accept: 'application/xml',
};

/** One request as the SDK sends it: bearer token, its headers, an XML body or none. */
function sdk(method: string, path: string, body?: string): Promise<Reply> {
  return a.request(method, `${API}${path}`, {
    auth: { bearer: token },
    headers: SDK_HEADERS,
    ...(body !== undefined ? { body } : {}),
  });
}

/** The SDK's `search=` encoding (quotes and spaces as Python's urlencode writes them). */
const search = (q: string): string => `search=${encodeURIComponent(q).replace(/%20/g, '+')}`;

beforeAll(async () => {
  a = await startAppliance();
  token = await a.token();
});
afterAll(async () => {
  await a?.stop();
});

async function defaultClusterId(): Promise<string> {
  const r = await sdk('GET', `/clusters?${search('name="Default"')}`);
  const c = items(r.body, 'clusters', 'cluster');
  expect(c).toHaveLength(1);
  return String(c[0]?.id);
}

async function hostId(): Promise<string> {
  const r = await sdk('GET', '/hosts');
  return String(items(r.body, 'hosts', 'host')[0]?.id);
}

describe('replayed oVirt client requests', () => {
  it('every sub-collection an entity links to answers (the _info modules follow them all)', async () => {
    const seen = new Set<string>();
    const failures: string[] = [];
    // Links of an entity: its `link` children only (`actions` hold POST-only action links).
    const linksOf = (e: Record<string, unknown>): string[] =>
      arrayAt(e, 'link')
        .map((l) => l.href)
        .filter((h): h is string => typeof h === 'string' && !h.includes('{'));
    const visit = async (href: string, depth: number): Promise<void> => {
      if (seen.has(href) || depth > 3) return;
      seen.add(href);
      const r = await a.request('GET', href, { headers: SDK_HEADERS });
      if (r.status !== 200 || r.body === null) {
        failures.push(`${String(r.status)} ${href}`);
        return;
      }
      // The parsed document's root element (the XML declaration parses as `?xml`).
      const root = Object.keys(r.body).find((k) => !k.startsWith('?'));
      const doc = (root === undefined ? {} : r.body[root]) as Record<string, unknown> | string;
      if (typeof doc !== 'object') return;
      const entities: Record<string, unknown>[] = [doc];
      for (const v of Object.values(doc)) {
        const list: unknown[] = Array.isArray(v) ? (v as unknown[]) : [v];
        for (const x of list)
          if (typeof x === 'object' && x !== null && 'id' in x) entities.push(x);
      }
      for (const e of entities) for (const h of linksOf(e)) await visit(h, depth + 1);
    };
    await visit(API, 0);
    expect(seen.size).toBeGreaterThan(20);
    expect(failures).toEqual([]);
    const pools = await sdk('GET', '/vmpools?follow=&search=');
    expect(pools.status).toBe(200);
    expect(pools.text).toContain('<vm_pools/>');
  });

  it('ovirt_network: what a second run reads matches what the first run asked for', async () => {
    const name = uniqueName('rn');
    // Run 1: search (nothing), create, label, attach to cluster Default as required.
    const dcSearch = `/networks?${search(`name="${name}" and datacenter="Default"`)}`;
    expect(items((await sdk('GET', dcSearch)).body, 'networks', 'network')).toEqual([]);
    const add = await sdk(
      'POST',
      '/networks',
      `<network>\n  <description>lab network</description>\n  <mtu>9000</mtu>\n  <name>${name}</name>\n  <usages>\n    <usage>vm</usage>\n  </usages>\n  <data_center>\n    <name>Default</name>\n  </data_center>\n</network>\n`,
    );
    expect(add.status, add.text).toBe(201);
    const id = String(entity(add.body, 'network').id);
    try {
      const label = await sdk(
        'POST',
        `/networks/${id}/networklabels`,
        `<network_label id="${name}lbl"/>\n`,
      );
      expect(label.status, label.text).toBe(201);
      const cluster = await defaultClusterId();
      expect((await sdk('GET', `/clusters/${cluster}/networks/${id}`)).status).toBe(404);
      const attach = await sdk(
        'POST',
        `/clusters/${cluster}/networks`,
        `<network id="${id}">\n  <name>${name}</name>\n  <required>true</required>\n</network>\n`,
      );
      expect(attach.status, attach.text).toBe(201);

      // Run 2: NetworksModule.update_check and ClusterNetworksModule.update_check.
      const found = items((await sdk('GET', dcSearch)).body, 'networks', 'network');
      expect(found).toHaveLength(1);
      const n = found[0] ?? {};
      expect(n.name).toBe(name);
      expect(n.description).toBe('lab network');
      expect(n.mtu).toBe('9000');
      expect(at(n, 'usages.usage')).toBe('vm');
      expect(n.comment).toBeUndefined();
      expect(n.vlan).toBeUndefined();
      const labels = await sdk('GET', `/networks/${id}/networklabels`);
      expect(items(labels.body, 'network_labels', 'network_label').map((l) => l.id)).toEqual([
        `${name}lbl`,
      ]);
      const cn = await sdk('GET', `/clusters/${cluster}/networks/${id}`);
      expect(cn.status).toBe(200);
      expect(entity(cn.body, 'network').required).toBe('true');
      expect(entity(cn.body, 'network').display).not.toBe('true');
    } finally {
      expect((await sdk('DELETE', `/networks/${id}`)).status).toBe(200);
    }
  });

  it('ovirt_host_network without interface: setupnetworks names the network, host_nic empty', async () => {
    const name = uniqueName('rh');
    const add = await sdk(
      'POST',
      '/networks',
      `<network><name>${name}</name><usages><usage>vm</usage></usages><data_center><name>Default</name></data_center></network>`,
    );
    expect(add.status, add.text).toBe(201);
    const id = String(entity(add.body, 'network').id);
    const host = await hostId();
    const cluster = await defaultClusterId();
    try {
      const attach = await sdk(
        'POST',
        `/clusters/${cluster}/networks`,
        `<network id="${id}"><name>${name}</name><required>true</required></network>`,
      );
      expect(attach.status, attach.text).toBe(201);
      const setup = (attachmentId: string): string =>
        `<action>\n  <commit_on_success>true</commit_on_success>\n  <modified_network_attachments>\n    <network_attachment${attachmentId}>\n      <ip_address_assignments>\n        <ip_address_assignment>\n          <assignment_method>none</assignment_method>\n          <ip/>\n        </ip_address_assignment>\n      </ip_address_assignments>\n      <properties/>\n      <host_nic/>\n      <network>\n        <name>${name}</name>\n      </network>\n    </network_attachment>\n  </modified_network_attachments>\n</action>\n`;
      const first = await sdk('POST', `/hosts/${host}/setupnetworks`, setup(''));
      expect(first.status, first.text).toBe(200);
      expect(entity(first.body, 'action').status).toBe('complete');
      const atts = items(
        (await sdk('GET', `/hosts/${host}/networkattachments`)).body,
        'network_attachments',
        'network_attachment',
      ).filter((x) => at(x, 'network.id') === id);
      expect(atts).toHaveLength(1);
      // The second run names the attachment it found, by id.
      const again = await sdk(
        'POST',
        `/hosts/${host}/setupnetworks`,
        setup(` id="${String(atts[0]?.id)}"`),
      );
      expect(again.status, again.text).toBe(200);
      // Out of band: the bridge is up on the host.
      const vdsmName = String(
        entity((await sdk('GET', `/networks/${id}`)).body, 'network').vdsm_name,
      );
      const link = await run('ip', ['-json', 'link', 'show', 'dev', vdsmName]);
      expect(link.stdout).toContain(vdsmName);
    } finally {
      expect((await sdk('DELETE', `/networks/${id}`)).status).toBe(200);
    }
  });

  it('ovirt_vm from template tiny: template search and version, numanodes, vm.name search', async () => {
    const tpl = await sdk('GET', `/templates?${search('name=tiny and datacenter=Default')}`);
    const found = items(tpl.body, 'templates', 'template');
    expect(found).toHaveLength(1);
    expect(at(found[0], 'version.version_number')).toBe('1');
    const tinyId = String(found[0]?.id);
    const name = uniqueName('rv');
    const add = await sdk(
      'POST',
      '/vms?clone=false&clone_permissions=false',
      `<vm>\n  <name>${name}</name>\n  <cluster>\n    <name>Default</name>\n  </cluster>\n  <template id="${tinyId}"/>\n</vm>\n`,
    );
    expect(add.status, add.text).toBe(201);
    const id = String(entity(add.body, 'vm').id);
    try {
      const numa = await sdk('GET', `/vms/${id}/numanodes`);
      expect(numa.status).toBe(200);
      expect(numa.text).toContain('<vm_numa_nodes/>');
      // Before an update ovirt_vm asks for the VM's own template by `vm.name`.
      const mine = await sdk('GET', `/templates?${search(`vm.name=${name}`)}`);
      expect(items(mine.body, 'templates', 'template').map((t) => t.name)).toEqual(['tiny']);
      const byTemplate = await sdk('GET', `/vms?${search(`template.name=tiny and name=${name}`)}`);
      expect(items(byTemplate.body, 'vms', 'vm')).toHaveLength(1);
      const other = await sdk('GET', '/vms/00000000-0000-0000-0000-00000000abcd/numanodes');
      expect(other.status).toBe(404);
    } finally {
      expect((await sdk('DELETE', `/vms/${id}`)).status).toBe(200);
    }
  });

  it('ovirt_template: a second run finds its cluster and description; PUT updates as oVirt', async () => {
    const vmName = uniqueName('rb');
    const tplName = uniqueName('rt');
    const vm = await sdk(
      'POST',
      '/vms?clone=false&clone_permissions=false',
      `<vm><memory>268435456</memory><name>${vmName}</name><cluster><name>Default</name></cluster><template id="00000000-0000-0000-0000-000000000000"/></vm>`,
    );
    expect(vm.status, vm.text).toBe(201);
    const vmId = String(entity(vm.body, 'vm').id);
    let tplId = '';
    try {
      const body = (description: string, extra = ''): string =>
        `<template>\n  <description>${description}</description>\n  <name>${tplName}</name>\n${extra}  <cluster>\n    <name>Default</name>\n  </cluster>\n</template>\n`;
      const add = await sdk(
        'POST',
        '/templates',
        body('made by ansible', `  <vm>\n    <name>${vmName}</name>\n  </vm>\n`),
      );
      expect(add.status, add.text).toBe(201);
      tplId = String(entity(add.body, 'template').id);
      const cluster = await defaultClusterId();
      // Run 2 searches `name="T" and cluster="Default"` and compares cluster and description.
      const q = `/templates?${search(`name="${tplName}" and cluster="Default"`)}`;
      const found = items((await sdk('GET', q)).body, 'templates', 'template');
      expect(found).toHaveLength(1);
      expect(at(found[0], 'cluster.id')).toBe(cluster);
      expect(found[0]?.description).toBe('made by ansible');
      // Blank has no cluster in oVirt.
      const blank = await sdk('GET', '/templates/00000000-0000-0000-0000-000000000000');
      expect(entity(blank.body, 'template').cluster).toBeUndefined();

      // A changed description: PUT (was 405), then the same read shows it.
      const put = await sdk('PUT', `/templates/${tplId}`, body('changed by ansible'));
      expect(put.status, put.text).toBe(200);
      expect(entity(put.body, 'template').description).toBe('changed by ansible');
      const again = items((await sdk('GET', q)).body, 'templates', 'template');
      expect(again[0]?.description).toBe('changed by ansible');

      // Bad updates: oVirt's faults, nothing changed.
      const taken = await sdk(
        'PUT',
        `/templates/${tplId}`,
        '<template><name>tiny</name></template>',
      );
      expect(taken.status).toBe(409);
      expect(at(parseXmlDoc(taken.text), 'fault.detail')).toContain('name is already in use');
      const tiny = await sdk(
        'PUT',
        `/templates/${tplId}`,
        '<template><memory>1</memory></template>',
      );
      expect(tiny.status).toBe(400);
      const unchanged = entity((await sdk('GET', `/templates/${tplId}`)).body, 'template');
      expect(unchanged.name).toBe(tplName);
      expect(unchanged.memory).toBe('268435456');
      const unknown = await sdk(
        'PUT',
        '/templates/00000000-0000-0000-0000-00000000abcd',
        '<template><description>x</description></template>',
      );
      expect(unknown.status).toBe(404);
      // A version keeps its base template's name (VMT_CANNOT_UPDATE_VERSION_NAME).
      const v2 = await sdk(
        'POST',
        '/templates',
        `<template><name>${tplName}</name><vm><name>${vmName}</name></vm><version><base_template id="${tplId}"/><version_name>v2</version_name></version></template>`,
      );
      expect(v2.status, v2.text).toBe(201);
      const v2Id = String(entity(v2.body, 'template').id);
      const rename = await sdk(
        'PUT',
        `/templates/${v2Id}`,
        `<template><name>${tplName}x</name></template>`,
      );
      expect(rename.status).toBe(409);
      expect(at(parseXmlDoc(rename.text), 'fault.detail')).toContain('Sub-Templates');
      // Renaming the base renames its versions.
      const base = await sdk(
        'PUT',
        `/templates/${tplId}`,
        `<template><name>${tplName}y</name></template>`,
      );
      expect(base.status, base.text).toBe(200);
      expect(entity((await sdk('GET', `/templates/${v2Id}`)).body, 'template').name).toBe(
        `${tplName}y`,
      );
      expect((await sdk('DELETE', `/templates/${v2Id}`)).status).toBe(200);
      // `vm.name` is the template a VM was made from (Blank here), not one made from it.
      const mine = await sdk('GET', `/templates?${search(`vm.name=${vmName}`)}`);
      expect(items(mine.body, 'templates', 'template').map((t) => t.name)).toEqual(['Blank']);
    } finally {
      if (tplId !== '') await sdk('DELETE', `/templates/${tplId}`);
      expect((await sdk('DELETE', `/vms/${vmId}`)).status).toBe(200);
    }
  });
});
