// SPDX-License-Identifier: Apache-2.0
/**
 * A snapshot records the VM's CD-ROM (the ISO inserted in its persistent configuration) and
 * its boot order (`os.boot.devices`), as oVirt's OVF does, and a restore brings both back; the
 * next start then uses them. Real SQLite with the real migrations, the recording host agent:
 * no guest boots. An ISO removed since the snapshot comes back as an empty drive.
 */
import { describe, expect, it } from 'vitest';

import type { DomainDesc } from '../../libvirt/host-agent';
import {
  addSmallDisk,
  addVmWithBootDisk,
  diskSettled,
  eachRecordingHarness,
  type Harness,
  must,
} from '../fixtures/engine-harness';
import type { RecordingHostAgent } from '../fixtures/recording-host-agent';

let h: Harness;
let agent: RecordingHostAgent;
const CL = { name: 'Default' };

eachRecordingHarness((s) => ({ h, agent } = s));

const diskOk = (id: string): Promise<void> => diskSettled(h, id);
const iso = (name: string): Promise<string> => addSmallDisk(h, name, 'iso');

const cdromOf = async (vmId: string): Promise<string | null> =>
  must((await h.ok('GetVmCdroms', { vmId }))[0], 'cdrom').fileId;

const lastStart = (): DomainDesc =>
  must(agent.calls.filter((c) => c.method === 'domainStart').at(-1)).args[0] as DomainDesc;

describe('snapshots carry the CD-ROM and the boot order', () => {
  it('records both, and a restore brings them back for the next start', async () => {
    const { vmId, diskId } = await addVmWithBootDisk(h, 'inst');
    const installer = await iso('installer.iso');
    const other = await iso('other.iso');
    await h.ok('UpdateVmCdrom', { vmId, fileId: installer });
    await h.ok('UpdateVm', { id: vmId, bootDevices: ['cdrom', 'hd'] });

    const snap = await h.ok('CreateSnapshot', { vmId, description: 'before install' });
    await diskOk(diskId);
    const taken = await h.ok('GetSnapshotById', { vmId, id: snap.id });
    expect(taken.vm.cdromFileId).toBe(installer);
    expect(taken.vm.bootDevices).toEqual(['cdrom', 'hd']);

    // The VM moves on: another ISO, boot from the disk only.
    await h.ok('UpdateVmCdrom', { vmId, fileId: other });
    await h.ok('UpdateVm', { id: vmId, bootDevices: ['hd'] });
    // The snapshot still says what it recorded; the active one shows the VM as it is now.
    expect((await h.ok('GetSnapshotById', { vmId, id: snap.id })).vm.cdromFileId).toBe(installer);
    const active = must(
      (await h.ok('GetSnapshotsByVmId', { vmId })).find((s) => s.type === 'active'),
      'active snapshot',
    );
    expect(active.vm.cdromFileId).toBe(other);
    expect(active.vm.bootDevices).toEqual(['hd']);

    await h.ok('RestoreSnapshot', { vmId, id: snap.id });
    await diskOk(diskId);
    expect(await cdromOf(vmId)).toBe(installer);
    expect((await h.ok('GetVmById', { id: vmId })).bootDevices).toEqual(['cdrom', 'hd']);

    await h.ok('RunVm', { id: vmId });
    const desc = lastStart();
    const imageId = must((await h.ok('GetDiskById', { id: installer })).imageId);
    expect(desc.cdrom?.path).toMatch(new RegExp(`/${installer}/${imageId}$`));
    expect(desc.bootDevices).toEqual(['cdrom', 'hd']);
    await h.ok('StopVm', { id: vmId });
  });

  it('an ISO removed since the snapshot comes back as an empty drive; the boot order still does', async () => {
    const vm = await h.ok('AddVm', {
      name: 'live',
      cluster: CL,
      template: { name: 'Blank' },
      bootDevices: ['cdrom'],
    });
    const gone = await iso('gone.iso');
    await h.ok('UpdateVmCdrom', { vmId: vm.id, fileId: gone });
    // A configuration-only snapshot (the VM has no disks).
    const snap = await h.ok('CreateSnapshot', { vmId: vm.id, description: 'live cd' });
    await h.ok('UpdateVmCdrom', { vmId: vm.id, fileId: null });
    await h.ok('UpdateVm', { id: vm.id, bootDevices: ['network'] });
    await h.ok('RemoveDisk', { id: gone });

    await h.ok('RestoreSnapshot', { vmId: vm.id, id: snap.id });
    expect(await cdromOf(vm.id)).toBeNull();
    expect((await h.ok('GetVmById', { id: vm.id })).bootDevices).toEqual(['cdrom']);
  });
});
