// SPDX-License-Identifier: Apache-2.0
/**
 * Storage rules of issue 11 through the public contract, on a real SQLite file with the real
 * migrations and the recording host agent's in-memory volume model. Every refusal asserts the
 * oVirt key and category AND that nothing changed (tables, host, volumes).
 */
import { describe, expect, it } from 'vitest';

import type { Disk } from '../../main/contract/disks';
import {
  eachRecordingHarness,
  expectRefused,
  type Harness,
  must,
  startHarness,
} from '../fixtures/engine-harness';
import { RecordingHostAgent } from '../fixtures/recording-host-agent';

let h: Harness;
let agent: RecordingHostAgent;
const GiB = 1024 ** 3;
const CL = { name: 'Default' };
const SD = { name: 'local' };

eachRecordingHarness((s) => ({ h, agent } = s));

async function until<T>(
  what: string,
  read: () => Promise<T>,
  ok: (v: T) => boolean,
  tries = 200,
): Promise<T> {
  for (let i = 0; i < tries; i++) {
    const v = await read();
    if (ok(v)) return v;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const diskOk = (id: string): Promise<Disk> =>
  until(
    'disk ok',
    () => h.ok('GetDiskById', { id }),
    (d) => d.status !== 'locked',
  );

async function refused(
  op: Parameters<Harness['err']>[0],
  input: unknown,
  code: string,
  category: string,
): Promise<void> {
  const volumes = agent.volumeSnapshot();
  await expectRefused(h, agent, op as never, input as never, code, category);
  expect(agent.volumeSnapshot()).toEqual(volumes);
}

/** A down VM with one bootable 1 GiB disk; returns [vmId, diskId]. */
async function vmWithDisk(name = 'vm1'): Promise<[string, string]> {
  const vm = await h.ok('AddVm', { name, cluster: CL, template: { name: 'Blank' } });
  const a = await h.ok('AddDiskAttachment', {
    vmId: vm.id,
    bootable: true,
    disk: { name: `${name}_d`, format: 'cow', provisionedSize: GiB, storageDomain: SD },
  });
  await diskOk(a.id);
  return [vm.id, a.id];
}

describe('start-up', () => {
  it('creates the local data domain in Default and migrates Blank and tiny into base templates', async () => {
    const [sd] = await h.ok('GetAllStorageDomains', {});
    expect(sd).toMatchObject({
      name: 'local',
      type: 'data',
      storageType: 'localfs',
      master: true,
      status: 'active',
    });
    expect(must(sd).path).toBe(`${h.dir}/storage`);
    expect(must(sd).availableBytes).toBe(agent.availableBytes);
    for (const t of await h.ok('GetAllTemplates', {})) {
      expect(t.status).toBe('ok');
      expect(t.version).toEqual({
        versionNumber: 1,
        versionName: 'base version',
        baseTemplateId: t.id,
      });
    }
  });
  it('registers a bundled image as template debian-12 (locked, then ok), once', async () => {
    await h.close();
    agent.bundled = [
      {
        name: 'debian-12',
        description: 'Debian 12',
        path: '/cache/debian-12.qcow2',
        format: 'qcow2',
        virtualSize: 2 * GiB,
        hash: 'h1',
      },
    ];
    agent.volumes.set('/cache/debian-12.qcow2', {
      format: 'qcow2',
      virtualSize: 2 * GiB,
      actualSize: 500e6,
      backingPath: null,
      content: 'debian',
    });
    h = await h.restart();
    const t = await until(
      'template ok',
      async () => (await h.ok('GetAllTemplates', {})).find((x) => x.name === 'debian-12'),
      (x) => x?.status === 'ok',
    );
    const [att] = await h.ok('GetDiskAttachmentsByTemplateId', { templateId: must(t).id });
    expect(must(att).disk.status).toBe('ok');
    expect(must(att).bootable).toBe(true);
    h = await h.restart();
    expect((await h.ok('GetAllTemplates', {})).filter((x) => x.name === 'debian-12')).toHaveLength(
      1,
    );
  });
});

describe('disks', () => {
  it('AddDisk returns locked, becomes ok; the volume path is computed by the engine', async () => {
    const d = await h.ok('AddDisk', {
      name: 'd1',
      format: 'cow',
      provisionedSize: GiB,
      storageDomain: SD,
    });
    expect(d.status).toBe('locked');
    const ok = await diskOk(d.id);
    expect(ok.status).toBe('ok');
    const [sd] = await h.ok('GetAllStorageDomains', {});
    expect(agent.volumes.has(`${must(sd).path}/${d.id}/${must(ok.imageId)}`)).toBe(true);
    expect(must(sd).committedBytes).toBe(GiB);
  });
  it('refuses a disk when the domain is out of space, before anything is written', async () => {
    agent.availableBytes = GiB / 2;
    await refused(
      'AddDisk',
      { name: 'd1', format: 'raw', sparse: false, provisionedSize: GiB, storageDomain: SD },
      'ACTION_TYPE_FAILED_DISK_SPACE_LOW_ON_STORAGE_DOMAIN',
      'CONFLICT',
    );
  });
  it('refuses shrinking a disk', async () => {
    const d = await h.ok('AddDisk', {
      name: 'd1',
      format: 'cow',
      provisionedSize: 2 * GiB,
      storageDomain: SD,
    });
    await diskOk(d.id);
    await refused(
      'UpdateDisk',
      { id: d.id, provisionedSize: GiB },
      'ACTION_TYPE_FAILED_REQUESTED_DISK_SIZE_IS_TOO_SMALL',
      'BAD_PARAMETERS',
    );
    const grown = await h.ok('UpdateDisk', { id: d.id, provisionedSize: 3 * GiB });
    expect(grown.provisionedSize).toBe(3 * GiB);
  });
  it('a failed volume creation leaves an illegal disk and no file', async () => {
    agent.failNext('createVolume', new Error('injected qemu-img failure'));
    const d = await h.ok('AddDisk', {
      name: 'd1',
      format: 'cow',
      provisionedSize: GiB,
      storageDomain: SD,
    });
    const failed = await diskOk(d.id);
    // A failed creation leaves an illegal disk and no file.
    expect(failed.status).toBe('illegal');
    expect([...agent.volumes.keys()].some((p) => p.includes(d.id))).toBe(false);
  });
  it('refuses removing a disk attached to a running VM', async () => {
    const [vmId, diskId] = await vmWithDisk();
    await h.ok('RunVm', { id: vmId });
    await refused('RemoveDisk', { id: diskId }, 'ACTION_TYPE_FAILED_VM_IS_NOT_DOWN', 'CONFLICT');
    const run = agent.calls.find((c) => c.method === 'domainStart');
    expect(JSON.stringify(run?.args)).toContain('"kind":"disks"');
  });
  it('refuses importing a file outside every storage domain (issue 10 item 9)', async () => {
    await refused(
      'ImportImage',
      { path: '/etc/shadow', name: 'x' },
      'ACTION_TYPE_FAILED_IMAGE_PATH_NOT_IN_STORAGE_DOMAIN',
      'BAD_PARAMETERS',
    );
    await refused(
      'AddVm',
      { name: 'v', cluster: CL, template: { name: 'Blank' }, diskPath: '/etc/shadow' },
      'ACTION_TYPE_FAILED_IMAGE_PATH_NOT_IN_STORAGE_DOMAIN',
      'BAD_PARAMETERS',
    );
  });
  it('refuses a second transfer of the same disk', async () => {
    const d = await h.ok('AddDisk', {
      name: 'd1',
      format: 'cow',
      provisionedSize: GiB,
      storageDomain: SD,
    });
    await diskOk(d.id);
    const t = await h.ok('AddImageTransfer', { disk: { id: d.id }, direction: 'upload' });
    await until(
      'transferring',
      () => h.ok('GetImageTransferById', { id: t.id }),
      (x) => x.phase === 'transferring',
    );
    await refused(
      'AddImageTransfer',
      { disk: { id: d.id }, direction: 'download' },
      'ACTION_TYPE_FAILED_DISK_IS_BEING_TRANSFERRED',
      'CONFLICT',
    );
    await h.ok('CancelImageTransfer', { id: t.id });
    await until(
      'cleanup',
      () => h.ok('GetImageTransferById', { id: t.id }),
      (x) => x.phase === 'finished_cleanup',
    );
    await until(
      'disk gone',
      () => h.ok('GetAllDisks', {}),
      (l) => l.length === 0,
    );
  });
});

describe('image transfer timeouts', () => {
  it('an idle download is cancelled by the system and the disk unlocked', async () => {
    const d = await h.ok('AddDisk', {
      name: 'd1',
      format: 'cow',
      provisionedSize: GiB,
      storageDomain: SD,
    });
    await diskOk(d.id);
    const t = await h.ok('AddImageTransfer', {
      disk: { id: d.id },
      direction: 'download',
      format: 'raw',
      inactivityTimeout: 1,
    });
    const end = await until(
      'timeout',
      () => h.ok('GetImageTransferById', { id: t.id }),
      (x) => x.phase === 'finished_failure',
      400,
    );
    expect(end.message).toContain('inactivity');
    expect((await h.ok('GetDiskById', { id: d.id })).status).toBe('ok');
  });
});

describe('templates and VMs from templates', () => {
  it('a template from a down VM; thin VMs on it; a template with VMs cannot be removed', async () => {
    const [vmId] = await vmWithDisk('src');
    const t = await h.ok('AddVmTemplate', { name: 't1', vm: { id: vmId } });
    expect(t.status).toBe('locked');
    await until(
      'template ok',
      () => h.ok('GetTemplateById', { id: t.id }),
      (x) => x.status === 'ok',
    );
    const thin = await h.ok('AddVm', { name: 'thin1', cluster: CL, template: { id: t.id } });
    expect(thin.status).toBe('image_locked');
    await until(
      'vm down',
      () => h.ok('GetVmById', { id: thin.id }),
      (v) => v.status === 'down',
    );
    const [att] = await h.ok('GetDiskAttachmentsByVmId', { vmId: thin.id });
    const [tatt] = await h.ok('GetDiskAttachmentsByTemplateId', { templateId: t.id });
    const top = [...agent.volumes].find(([p]) => p.endsWith(must(must(att).disk.imageId)));
    expect(must(top)[1].backingPath).toContain(must(tatt).diskId);
    await refused(
      'RemoveVmTemplate',
      { id: t.id },
      'VMT_CANNOT_REMOVE_DETECTED_DERIVED_VM',
      'CONFLICT',
    );
    await h.ok('RemoveVm', { id: thin.id });
    await h.ok('RemoveVmTemplate', { id: t.id });
    expect([...agent.volumes.keys()].some((p) => p.includes(must(tatt).diskId))).toBe(false);
  });
  it('refuses a template from a VM that is not down', async () => {
    const [vmId] = await vmWithDisk('src');
    await h.ok('RunVm', { id: vmId });
    await refused(
      'AddVmTemplate',
      { name: 't1', vm: { id: vmId } },
      'VMT_CANNOT_CREATE_TEMPLATE_FROM_DOWN_VM',
      'CONFLICT',
    );
  });
});

describe('snapshots', () => {
  it('create, restore and remove on a down VM; Active VM listed', async () => {
    const [vmId, diskId] = await vmWithDisk();
    const top = (): string => {
      const d = [...agent.volumes].filter(([p]) => p.includes(diskId));
      return must(d.find(([p]) => !d.some(([, v]) => v.backingPath === p)))[0];
    };
    must(agent.volumes.get(top())).content = 'before;';
    const s = await h.ok('CreateSnapshot', { vmId, description: 'clean' });
    expect(s.status).toBe('ok');
    must(agent.volumes.get(top())).content = 'file;';
    expect(agent.guestView(top())).toBe('before;file;');
    const list = await h.ok('GetSnapshotsByVmId', { vmId });
    expect(list.map((x) => [x.type, x.description])).toEqual([
      ['active', 'Active VM'],
      ['regular', 'clean'],
    ]);
    await h.ok('RestoreSnapshot', { vmId, id: s.id });
    expect(agent.guestView(top())).toBe('before;');
    await refused(
      'RemoveSnapshot',
      { vmId, id: must(list[0]).id },
      'ACTION_TYPE_FAILED_CANNOT_REMOVE_ACTIVE_SNAPSHOT',
      'CONFLICT',
    );
    await h.ok('RemoveSnapshot', { vmId, id: s.id });
    expect(agent.guestView(top())).toBe('before;');
    expect([...agent.volumes.keys()].filter((p) => p.includes(diskId))).toHaveLength(1);
    expect(await h.ok('GetSnapshotsByVmId', { vmId })).toHaveLength(1);
  });
});

describe('crash recovery', () => {
  it('a volume file gone while the engine was down makes its disk illegal at start', async () => {
    const d = await h.ok('AddDisk', {
      name: 'd1',
      format: 'cow',
      provisionedSize: GiB,
      storageDomain: SD,
    });
    const ok = await diskOk(d.id);
    for (const p of [...agent.volumes.keys()]) if (p.includes(d.id)) agent.volumes.delete(p);
    h = await h.restart();
    const after = await h.ok('GetDiskById', { id: ok.id });
    expect(after.status).toBe('illegal');
    expect(after.statusDetail).toContain('missing');
  });

  it('a copy interrupted by a crash leaves the disk illegal, the half file removed', async () => {
    const [vmId] = await vmWithDisk('src');
    // The copy never finishes in this process (a crash, as far as the database knows).
    agent.copyVolume = () => new Promise(() => undefined);
    const t = await h.ok('AddVmTemplate', { name: 't1', vm: { id: vmId } });
    const next = new RecordingHostAgent();
    for (const [p, v] of agent.volumes) next.volumes.set(p, { ...v });
    const h2 = await startHarness(next, h.dir);
    try {
      const [att] = await h2.ok('GetDiskAttachmentsByTemplateId', { templateId: t.id });
      expect(must(att).disk.status).toBe('illegal');
      expect((await h2.ok('GetTemplateById', { id: t.id })).status).toBe('illegal');
      expect((await h2.ok('GetVmById', { id: vmId })).status).toBe('down');
      expect(
        next.calls.some(
          (c) => c.method === 'removeVolume' && JSON.stringify(c.args).includes(must(att).diskId),
        ),
      ).toBe(true);
      expect(h2.dump().command_intent).toHaveLength(0);
    } finally {
      await h2.close();
    }
    h = { ...h, close: () => Promise.resolve() };
  });
});
