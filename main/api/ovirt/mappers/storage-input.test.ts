// SPDX-License-Identifier: Apache-2.0
/** Storage request bodies → contract inputs, and the faults oVirt gives for bad ones. */
import { describe, expect, it } from 'vitest';

import { ApiFault } from '../fault';
import type { InputObject } from '../input';
import { parseXml } from '../xml';
import { addDiskAttachmentInput, diskOverridesInput, diskSpecInput } from './disk.mapper';
import { addImageTransferInput } from './image-transfer.mapper';
import { queryBool, wholeGiB } from './params';
import { createSnapshotInput } from './snapshot.mapper';
import { addStorageDomainInput } from './storage-domain.mapper';
import { addTemplateInput } from './template.mapper';

const xml = (text: string, root: string): InputObject => parseXml(text, root) as InputObject;

function faultOf(fn: () => unknown): { status: number; body: unknown } {
  try {
    fn();
  } catch (err) {
    if (err instanceof ApiFault) return { status: err.status, body: err.doc?.body };
    throw err;
  }
  throw new Error('no fault');
}

const VM = '11111111-2222-3333-4444-555555555555';
const SD = 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee';

describe('disk bodies', () => {
  it('reads the SDK sketch of a floating disk', () => {
    const o = xml(
      `<disk><name>d1</name><format>cow</format><sparse>true</sparse><provisioned_size>10737418240</provisioned_size><storage_domains><storage_domain id="${SD}"/></storage_domains></disk>`,
      'disk',
    );
    expect(diskSpecInput(o)).toEqual({
      name: 'd1',
      format: 'cow',
      sparse: true,
      provisionedSize: 10737418240,
      storageDomain: { id: SD },
    });
  });

  it('refuses missing size/format, a bad format and a bad boolean as oVirt does', () => {
    expect(faultOf(() => diskSpecInput(xml('<disk><name>d</name></disk>', 'disk')))).toEqual({
      status: 400,
      body: {
        reason: 'Incomplete parameters',
        detail: 'Disk [provisioned_size, format] required for add',
      },
    });
    const bad = faultOf(() =>
      diskSpecInput(
        xml('<disk><format>qcow9</format><provisioned_size>1</provisioned_size></disk>', 'disk'),
      ),
    );
    expect(bad.status).toBe(400);
    expect((bad.body as { reason: string }).reason).toBe('Invalid Enum value');
    const sparse = faultOf(() =>
      diskSpecInput(
        xml(
          `<disk><name>d</name><format>raw</format><provisioned_size>1</provisioned_size><sparse>maybe</sparse><storage_domains><storage_domain id="${SD}"/></storage_domains></disk>`,
          'disk',
        ),
      ),
    );
    expect((sparse.body as { reason: string }).reason).toBe('Invalid value');
  });

  it('attaches an existing disk by id, or creates a new one', () => {
    const existing = addDiskAttachmentInput(
      VM,
      xml(
        `<disk_attachment><interface>virtio_scsi</interface><bootable>true</bootable><disk id="${SD}"/></disk_attachment>`,
        'disk_attachment',
      ),
    );
    expect(existing).toEqual({
      vmId: VM,
      disk: { id: SD },
      interface: 'virtio_scsi',
      bootable: true,
    });
    const fresh = addDiskAttachmentInput(
      VM,
      xml(
        `<disk_attachment><active>true</active><disk><name>n</name><format>raw</format><provisioned_size>1048576</provisioned_size><storage_domains><storage_domain><name>local</name></storage_domain></storage_domains></disk></disk_attachment>`,
        'disk_attachment',
      ),
    );
    expect(fresh.disk).toEqual({
      name: 'n',
      format: 'raw',
      provisionedSize: 1048576,
      storageDomain: { name: 'local' },
    });
    expect(
      faultOf(() =>
        addDiskAttachmentInput(
          VM,
          xml('<disk_attachment><bootable>true</bootable></disk_attachment>', 'disk_attachment'),
        ),
      ).status,
    ).toBe(400);
  });

  it('reads template disk overrides keyed by disk id', () => {
    const o = xml(
      `<vm><disk_attachments><disk_attachment><disk id="${SD}"><format>raw</format><sparse>false</sparse><storage_domains><storage_domain id="${SD}"/></storage_domains></disk></disk_attachment></disk_attachments></vm>`,
      'vm',
    );
    expect(diskOverridesInput(o)).toEqual([
      { id: SD, format: 'raw', sparse: false, storageDomain: { id: SD } },
    ]);
  });
});

describe('other storage bodies', () => {
  it('storage domain: host, type, storage.type, name, then path are mandatory', () => {
    const missing = faultOf(() =>
      addStorageDomainInput(
        xml('<storage_domain><name>x</name></storage_domain>', 'storage_domain'),
      ),
    );
    expect(missing.body).toEqual({
      reason: 'Incomplete parameters',
      detail: 'StorageDomain [host.id|name, type, storage.type] required for add',
    });
    const ok = addStorageDomainInput(
      xml(
        '<storage_domain><name>local1</name><type>data</type><storage><type>localfs</type><path>/data/images</path></storage><host><name>h1</name></host></storage_domain>',
        'storage_domain',
      ),
    );
    expect(ok).toEqual({
      name: 'local1',
      type: 'data',
      storage: { type: 'localfs', path: '/data/images' },
      host: { name: 'h1' },
    });
  });

  it('template: name and vm mandatory; version base template is read', () => {
    expect(
      faultOf(() =>
        addTemplateInput(
          xml('<template><name>t</name></template>', 'template'),
          new URLSearchParams(),
        ),
      ).body,
    ).toEqual({
      reason: 'Incomplete parameters',
      detail: 'Template [vm.id|name] required for add',
    });
    const t = addTemplateInput(
      xml(
        `<template><name>t</name><vm><name>v</name></vm><version><base_template id="${SD}"/><version_name>v2</version_name></version></template>`,
        'template',
      ),
      new URLSearchParams('seal=true'),
    );
    expect(t).toEqual({
      name: 't',
      vm: { name: 'v' },
      seal: true,
      version: { baseTemplate: { id: SD }, versionName: 'v2' },
    });
  });

  it('snapshot: description mandatory, disk list optional (empty = config only)', () => {
    expect(
      faultOf(() =>
        createSnapshotInput(
          VM,
          xml('<snapshot><persist_memorystate>true</persist_memorystate></snapshot>', 'snapshot'),
        ),
      ).status,
    ).toBe(400);
    expect(
      createSnapshotInput(
        VM,
        xml('<snapshot><description>s</description><disk_attachments/></snapshot>', 'snapshot'),
      ),
    ).toEqual({
      vmId: VM,
      description: 's',
      diskIds: [],
    });
  });

  it('image transfer: needs a disk, snapshot or image id', () => {
    expect(
      faultOf(() =>
        addImageTransferInput(
          xml('<image_transfer><direction>upload</direction></image_transfer>', 'image_transfer'),
        ),
      ).status,
    ).toBe(400);
    expect(
      addImageTransferInput(
        xml(
          `<image_transfer><image id="${SD}"/><direction>download</direction><format>raw</format></image_transfer>`,
          'image_transfer',
        ),
      ),
    ).toEqual({
      image: { id: SD },
      direction: 'download',
      format: 'raw',
    });
  });

  it('query booleans and whole-GiB sizes', () => {
    expect(queryBool(new URLSearchParams('detach_only'), 'detach_only')).toBe(true);
    expect(queryBool(new URLSearchParams('detach_only=false'), 'detach_only')).toBe(false);
    expect(queryBool(new URLSearchParams(''), 'detach_only')).toBeUndefined();
    expect(() => queryBool(new URLSearchParams('clone=perhaps'), 'clone')).toThrow(ApiFault);
    expect(wholeGiB(3 * 2 ** 30 + 5)).toBe(3 * 2 ** 30);
  });
});
