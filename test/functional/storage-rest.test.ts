// SPDX-License-Identifier: Apache-2.0
/**
 * Issue 11's REST resources over real HTTP against a real engine (real qemu-img volumes):
 * storage domains (both views), disks (create, search as oVirt's clients search, extend,
 * remove), VM disk attachments (new and existing disks, detach_only), templates from a VM
 * (search `name=T and datacenter=DC`), thin and cloned VMs from it, snapshots (Active VM,
 * create, restore, remove, `/snapshots/None`), VM clone, and a fault for each bad input.
 */
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { waitFor, waitGone } from './storage-support';
import {
  API,
  type Appliance,
  arrayAt,
  entity,
  items,
  type Reply,
  startAppliance,
  uniqueName,
} from './support';

let a: Appliance;
const GiB = 2 ** 30;
const MiB = 2 ** 20;

beforeAll(async () => {
  a = await startAppliance();
});
afterAll(async () => {
  await a?.stop();
});

const get = (path: string): Promise<Reply> => a.request('GET', `${API}${path}`);
const post = (path: string, body: string): Promise<Reply> =>
  a.request('POST', `${API}${path}`, { body });
const put = (path: string, body: string): Promise<Reply> =>
  a.request('PUT', `${API}${path}`, { body });
const del = (path: string): Promise<Reply> => a.request('DELETE', `${API}${path}`);
const fault = (r: Reply): { reason: string; detail: string } =>
  entity(r.body, 'fault') as { reason: string; detail: string };

let sdId = '';
let sdName = '';
let dcId = '';

async function newVm(name: string, template = 'Blank', query = ''): Promise<string> {
  const r = await post(
    `/vms${query}`,
    `<vm><name>${name}</name><cluster><name>Default</name></cluster><template><name>${template}</name></template></vm>`,
  );
  expect(r.status, r.text).toBe(201);
  const id = String(entity(r.body, 'vm').id);
  await waitFor(a, `/vms/${id}`, 'vm', (v) => v.status === 'down');
  return id;
}

describe('storage domains', () => {
  it('adds a localfs data domain at another directory (POST /storagedomains)', async () => {
    const hosts = items((await get('/hosts')).body, 'hosts', 'host');
    const host = String(hosts[0]?.name);
    const name = uniqueName('sd');
    const r = await post(
      '/storagedomains',
      `<storage_domain><name>${name}</name><type>data</type><storage><type>localfs</type><path>${join(a.dataDir, 'extra-sd')}</path></storage><host><name>${host}</name></host></storage_domain>`,
    );
    expect(r.status, r.text).toBe(201);
    const added = entity(r.body, 'storage_domain');
    expect((added.storage as { path: string }).path).toBe(join(a.dataDir, 'extra-sd'));
    expect(added.name).toBe(name);
  });

  it('lists data domains: global view without status, DC view with it', async () => {
    const list = await get('/storagedomains');
    expect(list.status).toBe(200);
    const all = items(list.body, 'storage_domains', 'storage_domain');
    // The domain created on first start, else the one added above.
    const sd = all.find((d) => d.name === 'local') ?? all[0];
    expect(sd).toBeDefined();
    sdId = String(sd?.id);
    sdName = String(sd?.name);
    expect(sd?.type).toBe('data');
    expect((sd?.storage as { type: string }).type).toBe('localfs');
    // Whole GiB in bytes, as oVirt shows them.
    for (const key of ['available', 'used', 'committed']) {
      expect(Number(sd?.[key]) % GiB, key).toBe(0);
    }
    expect(sd?.status).toBeUndefined();
    expect(arrayAt(sd, 'link').map((l) => l.rel)).toContain('disks');
    const dc = (sd?.data_centers as { data_center: { id: string } }).data_center;
    dcId = dc.id;
    const star = await get('/storagedomains?search=name%3D%22*%22');
    expect(items(star.body, 'storage_domains', 'storage_domain').length).toBe(all.length);
    const attached = await get(`/datacenters/${dcId}/storagedomains/${sdId}`);
    expect(attached.status).toBe(200);
    expect(entity(attached.body, 'storage_domain').status).toBe('active');
    expect((await get(`/datacenters/${dcId}/storagedomains`)).status).toBe(200);
  });

  it('refuses a domain without host/type/path, and an unknown domain is an empty 404', async () => {
    const r = await post('/storagedomains', '<storage_domain><name>x</name></storage_domain>');
    expect(r.status).toBe(400);
    expect(fault(r).reason).toBe('Incomplete parameters');
    const missing = await get('/storagedomains/12345678-1234-1234-1234-123456789abc');
    expect(missing.status).toBe(404);
    expect(missing.text).toBe('');
  });
});

describe('disks and attachments', () => {
  let vmId = '';
  let vmName = '';
  let diskId = '';
  let diskName = '';

  it('creates a floating disk: locked, then ok, sizes true to the file', async () => {
    diskName = uniqueName('fd');
    const r = await post(
      '/disks',
      `<disk><name>${diskName}</name><format>cow</format><sparse>true</sparse><provisioned_size>${64 * MiB}</provisioned_size><storage_domains><storage_domain><name>${sdName}</name></storage_domain></storage_domains></disk>`,
    );
    expect(r.status, r.text).toBe(201);
    diskId = String(entity(r.body, 'disk').id);
    const d = await waitFor(a, `/disks/${diskId}`, 'disk', (x) => x.status === 'ok');
    expect(Number(d.provisioned_size)).toBe(64 * MiB);
    expect(Number(d.actual_size)).toBeGreaterThan(0);
    expect(Number(d.actual_size)).toBeLessThan(64 * MiB);
    expect(d.format).toBe('cow');
    expect((d.storage_domains as { storage_domain: { id: string } }).storage_domain.id).toBe(sdId);
    const inDomain = await get(`/storagedomains/${sdId}/disks`);
    expect(items(inDomain.body, 'disks', 'disk').map((x) => x.id)).toContain(diskId);
  });

  it('attaches it to a VM, finds it as oVirt clients search, extends and detaches it', async () => {
    vmName = uniqueName('vm');
    vmId = await newVm(vmName);
    const att = await post(
      `/vms/${vmId}/diskattachments`,
      `<disk_attachment><interface>virtio</interface><bootable>true</bootable><active>true</active><disk id="${diskId}"/></disk_attachment>`,
    );
    expect(att.status, att.text).toBe(201);
    expect(entity(att.body, 'disk_attachment').id).toBe(diskId);
    const one = await get(`/vms/${vmId}/diskattachments/${diskId}`);
    expect(one.status).toBe(200);
    expect((entity(one.body, 'disk_attachment').disk as { id: string }).id).toBe(diskId);

    const q = encodeURIComponent(
      `name="${diskName}" and Storage.name="${sdName}" and vm_names="${vmName}"`,
    );
    const found = items((await get(`/disks?search=${q}`)).body, 'disks', 'disk');
    expect(found.map((x) => x.id)).toEqual([diskId]);

    const ext = await put(
      `/vms/${vmId}/diskattachments/${diskId}`,
      `<disk_attachment><disk><provisioned_size>${128 * MiB}</provisioned_size></disk></disk_attachment>`,
    );
    expect(ext.status, ext.text).toBe(200);
    const grown = await waitFor(a, `/disks/${diskId}`, 'disk', (x) => x.status === 'ok');
    expect(Number(grown.provisioned_size)).toBe(128 * MiB);
    const shrink = await put(
      `/disks/${diskId}`,
      `<disk><provisioned_size>${MiB}</provisioned_size></disk>`,
    );
    expect(shrink.status).toBe(400);
    expect(fault(shrink).detail).toMatch(/size/i);

    const detach = await del(`/vms/${vmId}/diskattachments/${diskId}?detach_only=true`);
    expect(detach.status).toBe(200);
    expect(
      items(
        (await get(`/vms/${vmId}/diskattachments`)).body,
        'disk_attachments',
        'disk_attachment',
      ),
    ).toEqual([]);
    expect((await get(`/disks/${diskId}`)).status).toBe(200);
  });

  it('creates a new disk through an attachment and removes it with the VM', async () => {
    const name = uniqueName('ad');
    const att = await post(
      `/vms/${vmId}/diskattachments`,
      `<disk_attachment><interface>virtio_scsi</interface><bootable>false</bootable><active>true</active><disk><name>${name}</name><format>raw</format><provisioned_size>${8 * MiB}</provisioned_size><storage_domains><storage_domain id="${sdId}"/></storage_domains></disk></disk_attachment>`,
    );
    expect(att.status, att.text).toBe(201);
    const newId = String(entity(att.body, 'disk_attachment').id);
    const d = await waitFor(a, `/disks/${newId}`, 'disk', (x) => x.status === 'ok');
    expect(d.format).toBe('raw');
    expect(Number(d.provisioned_size)).toBe(8 * MiB);
    expect((await del(`/vms/${vmId}`)).status).toBe(200);
    await waitGone(a, `/vms/${vmId}`);
    await waitGone(a, `/disks/${newId}`);
    // The floating disk was detached before: it stays, and can be removed.
    expect((await del(`/disks/${diskId}`)).status).toBe(200);
    await waitGone(a, `/disks/${diskId}`);
  });

  it('faults for bad disk input, nothing created', async () => {
    const before = items((await get('/disks')).body, 'disks', 'disk').length;
    const noSize = await post('/disks', '<disk><name>x</name><format>cow</format></disk>');
    expect(noSize.status).toBe(400);
    expect(fault(noSize)).toEqual({
      reason: 'Incomplete parameters',
      detail: 'Disk [provisioned_size] required for add',
    });
    const badFormat = await post(
      '/disks',
      `<disk><name>x</name><format>vmdk</format><provisioned_size>1</provisioned_size></disk>`,
    );
    expect(fault(badFormat).reason).toBe('Invalid Enum value');
    const noDomain = await post(
      '/disks',
      `<disk><name>x</name><format>cow</format><provisioned_size>${MiB}</provisioned_size><storage_domains><storage_domain><name>nope</name></storage_domain></storage_domains></disk>`,
    );
    expect(noDomain.status).toBeGreaterThanOrEqual(400);
    expect(noDomain.status).toBeLessThan(500);
    const huge = await post(
      '/disks',
      `<disk><name>${uniqueName('hg')}</name><format>raw</format><sparse>false</sparse><provisioned_size>${2 ** 50}</provisioned_size><storage_domains><storage_domain id="${sdId}"/></storage_domains></disk>`,
    );
    expect([400, 409]).toContain(huge.status);
    expect(fault(huge).reason).toBe('Operation Failed');
    expect(items((await get('/disks')).body, 'disks', 'disk').length).toBe(before);
  });
});

describe('templates, thin and cloned VMs, snapshots, clone', () => {
  let srcId = '';
  let srcName = '';
  let tplId = '';
  let tplName = '';
  const vms: string[] = [];

  it('makes a template from a down VM with a disk (locked, then ok; version 1)', async () => {
    srcName = uniqueName('src');
    srcId = await newVm(srcName);
    const att = await post(
      `/vms/${srcId}/diskattachments`,
      `<disk_attachment><interface>virtio</interface><bootable>true</bootable><active>true</active><disk><name>${uniqueName('sd')}</name><format>cow</format><provisioned_size>${32 * MiB}</provisioned_size><storage_domains><storage_domain id="${sdId}"/></storage_domains></disk></disk_attachment>`,
    );
    expect(att.status, att.text).toBe(201);
    await waitFor(
      a,
      `/disks/${String(entity(att.body, 'disk_attachment').id)}`,
      'disk',
      (x) => x.status === 'ok',
    );
    tplName = uniqueName('tpl');
    const r = await post(
      '/templates',
      `<template><name>${tplName}</name><vm><name>${srcName}</name></vm></template>`,
    );
    expect(r.status, r.text).toBe(201);
    tplId = String(entity(r.body, 'template').id);
    const t = await waitFor(a, `/templates/${tplId}`, 'template', (x) => x.status === 'ok');
    const version = t.version as { version_number: string; base_template: { id: string } };
    expect(version.version_number).toBe('1');
    expect(version.base_template.id).toBe(tplId);
    const disks = items(
      (await get(`/templates/${tplId}/diskattachments`)).body,
      'disk_attachments',
      'disk_attachment',
    );
    expect(disks.length).toBe(1);
    const q = encodeURIComponent(`name=${tplName} and datacenter=Default`);
    expect(
      items((await get(`/templates?search=${q}`)).body, 'templates', 'template').map((x) => x.id),
    ).toEqual([tplId]);
    const dup = await post(
      '/templates',
      `<template><name>${tplName}</name><vm id="${srcId}"/></template>`,
    );
    expect(dup.status).toBe(409);
  });

  it('makes a thin VM and a cloned VM from it', async () => {
    const thin = await newVm(uniqueName('thin'), tplName);
    const clone = await newVm(uniqueName('cl'), tplName, '?clone=true');
    vms.push(thin, clone);
    for (const id of [thin, clone]) {
      const atts = items(
        (await get(`/vms/${id}/diskattachments?follow=disk`)).body,
        'disk_attachments',
        'disk_attachment',
      );
      expect(atts.length).toBe(1);
      expect((atts[0]?.disk as { status: string }).status).toBe('ok');
    }
    const busy = await del(`/templates/${tplId}`);
    expect(busy.status).toBe(409);
    expect(fault(busy).reason).toBe('Operation Failed');
  });

  it('snapshots: Active VM, create (description mandatory), restore, remove, /None', async () => {
    const vm = vms[0] ?? '';
    const list = items((await get(`/vms/${vm}/snapshots`)).body, 'snapshots', 'snapshot');
    expect(list.map((s) => s.description)).toContain('Active VM');
    expect(list.find((s) => s.snapshot_type === 'active')).toBeDefined();
    const noDesc = await post(
      `/vms/${vm}/snapshots`,
      '<snapshot><persist_memorystate>false</persist_memorystate></snapshot>',
    );
    expect(noDesc.status).toBe(400);
    expect(fault(noDesc).reason).toBe('Incomplete parameters');
    const r = await post(
      `/vms/${vm}/snapshots`,
      '<snapshot><description>before</description><persist_memorystate>true</persist_memorystate></snapshot>',
    );
    expect(r.status, r.text).toBe(201);
    const sid = String(entity(r.body, 'snapshot').id);
    const s = await waitFor(
      a,
      `/vms/${vm}/snapshots/${sid}`,
      'snapshot',
      (x) => x.snapshot_status === 'ok',
    );
    // Disk-only: memory is never saved, whatever was asked.
    expect(s.persist_memorystate).toBe('false');
    expect(s.snapshot_type).toBe('regular');
    expect((s.vm as { name: string }).name).toBeTruthy();
    expect(s.date).toBeTruthy();
    const restore = await post(`/vms/${vm}/snapshots/${sid}/restore`, '<action/>');
    expect(restore.status, restore.text).toBe(200);
    expect(entity(restore.body, 'action').status).toBe('complete');
    await waitFor(a, `/vms/${vm}`, 'vm', (x) => x.status === 'down');
    const none = await get(`/vms/${vm}/snapshots/None`);
    expect(none.status).toBe(404);
    expect(fault(none).reason).toBe('Operation Failed');
    expect((await del(`/vms/${vm}/snapshots/${sid}`)).status).toBe(200);
    await waitGone(a, `/vms/${vm}/snapshots/${sid}`);
  });

  it('clones a VM (vm.name mandatory)', async () => {
    const noName = await post(`/vms/${srcId}/clone`, '<action><vm/></action>');
    expect(noName.status).toBe(400);
    expect(fault(noName).detail).toBe('Action [vm.name] required for clone');
    const name = uniqueName('cln');
    const r = await post(`/vms/${srcId}/clone`, `<action><vm><name>${name}</name></vm></action>`);
    expect(r.status, r.text).toBe(200);
    expect(entity(r.body, 'action').status).toBe('complete');
    const found = items((await get(`/vms?search=name%3D${name}`)).body, 'vms', 'vm');
    expect(found.length).toBe(1);
    const id = String(found[0]?.id);
    vms.push(id);
    await waitFor(a, `/vms/${id}`, 'vm', (x) => x.status === 'down');
    expect(
      items((await get(`/vms/${id}/diskattachments`)).body, 'disk_attachments', 'disk_attachment')
        .length,
    ).toBe(1);
  });

  it('removes the VMs, then the template', async () => {
    for (const id of [...vms, srcId]) {
      expect((await del(`/vms/${id}`)).status).toBe(200);
      await waitGone(a, `/vms/${id}`);
    }
    expect((await del(`/templates/${tplId}`)).status).toBe(200);
    await waitGone(a, `/templates/${tplId}`);
  });
});
