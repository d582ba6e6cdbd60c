// SPDX-License-Identifier: Apache-2.0
/**
 * Issue 16 CD-ROM rules through the public contract, on a real SQLite file with the real
 * migrations and the recording host agent: only an ISO disk goes into the CD-ROM, an ISO in
 * use cannot be removed, `current` changes the running VM's medium (host first), boot order
 * and run once reach the domain description. Every refusal asserts oVirt's key and category
 * AND that nothing changed.
 */
import { describe, expect, it } from 'vitest';

import type { DomainDesc } from '../../libvirt/host-agent';
import { CDROM_ID } from '../../main/contract/cdroms';
import {
  addSmallDisk,
  addVmWithBootDisk,
  eachRecordingHarness,
  expectRefused,
  type Harness,
  must,
} from '../fixtures/engine-harness';
import type { RecordingHostAgent } from '../fixtures/recording-host-agent';

let h: Harness;
let agent: RecordingHostAgent;
const MiB = 1024 ** 2;
const CL = { name: 'Default' };
const SD = { name: 'local' };

eachRecordingHarness((s) => ({ h, agent } = s));

const newDisk = (name: string, contentType: 'iso' | 'data'): Promise<string> =>
  addSmallDisk(h, name, contentType);

const vmWithDisk = async (name: string): Promise<string> => (await addVmWithBootDisk(h, name)).vmId;

const lastStart = (): DomainDesc =>
  must(agent.calls.filter((c) => c.method === 'domainStart').at(-1)).args[0] as DomainDesc;

describe('the VM CD-ROM', () => {
  it('takes only an ISO disk; a data disk is refused with a clear fault, nothing changed', async () => {
    const vmId = await vmWithDisk('vm1');
    const data = await newDisk('data1', 'data');
    const e = await expectRefused(
      h,
      agent,
      'UpdateVmCdrom',
      { vmId, fileId: data },
      'ACTION_TYPE_FAILED_CDROM_FILE_NOT_ISO',
      'BAD_PARAMETERS',
    );
    expect(e.messages.join(' ')).toMatch(/data1 is not an ISO image/);
    await expectRefused(
      h,
      agent,
      'AddDisk',
      {
        name: 'bad-iso',
        format: 'cow',
        provisionedSize: MiB,
        storageDomain: SD,
        contentType: 'iso',
      },
      'INVALID_INPUT',
      'BAD_PARAMETERS',
    );
    await expectRefused(
      h,
      agent,
      'UpdateVmCdrom',
      { vmId, fileId: '6d1f3c1e-0000-4000-8000-000000000001' },
      'ACTION_TYPE_FAILED_DISK_NOT_EXIST',
      'NOT_FOUND',
    );
    expect(await h.ok('GetVmCdroms', { vmId })).toEqual([{ id: CDROM_ID, vmId, fileId: null }]);
  });

  it('inserts, boots with the boot order, hot-ejects with current, refuses removing an ISO in use', async () => {
    const vmId = await vmWithDisk('vm2');
    const iso = await newDisk('tiny.iso', 'iso');
    await expectRefused(
      h,
      agent,
      'UpdateVmCdrom',
      { vmId, fileId: iso, current: true },
      'ACTION_TYPE_FAILED_VM_IS_NOT_RUNNING',
      'CONFLICT',
    );
    expect(await h.ok('UpdateVmCdrom', { vmId, fileId: iso })).toEqual({
      id: CDROM_ID,
      vmId,
      fileId: iso,
    });
    await h.ok('UpdateVm', { id: vmId, bootDevices: ['cdrom', 'hd'] });
    expect((await h.ok('GetVmById', { id: vmId })).bootDevices).toEqual(['cdrom', 'hd']);
    const removing = await expectRefused(
      h,
      agent,
      'RemoveDisk',
      { id: iso },
      'ACTION_TYPE_FAILED_ISO_DISK_IN_USE',
      'CONFLICT',
    );
    expect(removing.messages.join(' ')).toMatch(/CD-ROM of VM\(s\) vm2/);

    await h.ok('RunVm', { id: vmId });
    const desc = lastStart();
    const imageId = must((await h.ok('GetDiskById', { id: iso })).imageId);
    expect(desc.cdrom?.path).toMatch(new RegExp(`/${iso}/${imageId}$`));
    expect(desc.bootDevices).toEqual(['cdrom', 'hd']);
    expect((await h.ok('GetVmCdroms', { vmId, current: true }))[0]?.fileId).toBe(iso);

    // SetVmTicket is an audited command (oVirt VM_SET_TICKET); the entry never holds the password.
    const ticket = await h.ok('SetVmTicket', { id: vmId, expiry: 60 });
    const events = await h.ok('GetEvents', {});
    const set = events.filter((e) => e.code === 'VM_SET_TICKET');
    expect(set).toHaveLength(1);
    expect(set[0]?.vmId).toBe(vmId);
    expect(set[0]?.description).not.toContain(ticket.value);
    await h.ok('StopVm', { id: vmId });
    await expectRefused(
      h,
      agent,
      'SetVmTicket',
      { id: vmId },
      'ACTION_TYPE_FAILED_VM_IS_NOT_RUNNING',
      'CONFLICT',
    );
    expect((await h.ok('GetEvents', {})).map((e) => e.code)).toContain('VM_SET_TICKET_FAILED');
    await h.ok('RunVm', { id: vmId });

    // Eject from the running VM only: the host first, then the running medium; the
    // configuration keeps the ISO (next start), so it is still in use.
    await h.ok('UpdateVmCdrom', { vmId, fileId: null, current: true });
    expect(agent.media.get(vmId)).toBeNull();
    expect((await h.ok('GetVmCdroms', { vmId, current: true }))[0]?.fileId).toBeNull();
    expect((await h.ok('GetVmCdroms', { vmId }))[0]?.fileId).toBe(iso);
    await h.ok('StopVm', { id: vmId });
    await h.ok('UpdateVmCdrom', { vmId, fileId: null });
    await h.ok('RemoveDisk', { id: iso });
  });

  it('runs once from a CD: that start only; a diskless VM boots from it', async () => {
    const vm = await h.ok('AddVm', {
      name: 'live',
      cluster: CL,
      template: { name: 'Blank' },
      bootDevices: ['cdrom'],
    });
    const iso = await newDisk('live.iso', 'iso');
    await expectRefused(
      h,
      agent,
      'RunVm',
      { id: vm.id },
      'VM_CANNOT_RUN_FROM_DISK_WITHOUT_DISK',
      'CONFLICT',
    );
    await h.ok('RunVm', { id: vm.id, cdromFileId: iso, bootDevices: ['cdrom', 'hd'] });
    const desc = lastStart();
    expect(desc.cdrom?.path).toMatch(/\//);
    expect(desc.bootDevices).toEqual(['cdrom', 'hd']);
    // Run once changed nothing stored.
    expect((await h.ok('GetVmCdroms', { vmId: vm.id }))[0]?.fileId).toBeNull();
    expect((await h.ok('GetVmById', { id: vm.id })).bootDevices).toEqual(['cdrom']);
    const data = await newDisk('nope', 'data');
    await h.ok('StopVm', { id: vm.id });
    await expectRefused(
      h,
      agent,
      'RunVm',
      { id: vm.id, cdromFileId: data },
      'ACTION_TYPE_FAILED_CDROM_FILE_NOT_ISO',
      'BAD_PARAMETERS',
    );
  });
});
