// SPDX-License-Identifier: Apache-2.0
/**
 * Issue 16 CD-ROMs and boot order in oVirt's XML, through the real appliance (no guest boot):
 * `/vms/{id}/cdroms` lists exactly one CD-ROM (`file` only when one is in), `PUT` with
 * `<cdrom><file id="…"/></cdrom>` inserts an ISO disk and `file id=""` ejects; a data disk is
 * refused with a fault naming it; `?current=true` on a down VM is refused; `os.boot.devices`
 * round-trips through add/update; a run-once start (`<action><vm><os><boot>…</boot></os>
 * <cdroms>…</cdroms></vm></action>`) reaches the engine (a data disk as its CD is refused).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { hostTestSkipReason } from '../support/run-prefix';
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

const skip = hostTestSkipReason();
if (skip) console.log(`cdrom-rest.test.ts skipped: ${skip}`);

const CDROM = '00000000-0000-0000-0000-000000000000';
const SD = '<storage_domains><storage_domain><name>local</name></storage_domain></storage_domains>';

describe.skipIf(Boolean(skip))('CD-ROMs and boot order over REST (XML)', () => {
  let a: Appliance;
  let vmId = '';
  let isoId = '';
  let dataId = '';
  const req = (method: string, path: string, body?: string): Promise<Reply> =>
    a.request(method, `${API}${path}`, body === undefined ? {} : { body });

  async function diskOk(id: string): Promise<void> {
    for (let i = 0; i < 200; i++) {
      const d = await req('GET', `/disks/${id}`);
      if (entity(d.body, 'disk').status === 'ok') return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`disk ${id} not ok`);
  }

  beforeAll(async () => {
    a = await startAppliance();
    const vm = await req(
      'POST',
      '/vms',
      `<vm><name>${uniqueName('cd')}</name><cluster><name>Default</name></cluster><template><name>Blank</name></template>` +
        '<os><boot><devices><device>cdrom</device><device>hd</device></devices></boot></os></vm>',
    );
    expect(vm.status, vm.text).toBe(201);
    vmId = String(entity(vm.body, 'vm').id);
    const iso = await req(
      'POST',
      '/disks',
      `<disk><name>${uniqueName('iso')}</name><format>raw</format><content_type>iso</content_type><provisioned_size>1048576</provisioned_size>${SD}</disk>`,
    );
    expect(iso.status, iso.text).toBe(201);
    isoId = String(entity(iso.body, 'disk').id);
    const data = await req(
      'POST',
      '/disks',
      `<disk><name>${uniqueName('dat')}</name><format>raw</format><provisioned_size>1048576</provisioned_size>${SD}</disk>`,
    );
    dataId = String(entity(data.body, 'disk').id);
    await diskOk(isoId);
    await diskOk(dataId);
  });

  afterAll(async () => {
    if (vmId !== '') await req('DELETE', `/vms/${vmId}`).catch(() => undefined);
    for (const id of [isoId, dataId])
      if (id !== '') await req('DELETE', `/disks/${id}`).catch(() => undefined);
    await a?.stop();
  });

  it('round-trips os.boot.devices and lists one empty CD-ROM', async () => {
    const vm = await req('GET', `/vms/${vmId}`);
    expect(arrayAt(entity(vm.body, 'vm'), 'os.boot.devices.device')).toEqual(['cdrom', 'hd']);
    const list = await req('GET', `/vms/${vmId}/cdroms`);
    const [cd] = items(list.body, 'cdroms', 'cdrom');
    expect(cd).toMatchObject({ id: CDROM });
    expect(cd?.file).toBeUndefined();
    const upd = await req(
      'PUT',
      `/vms/${vmId}`,
      '<vm><os><boot><devices><device>network</device></devices></boot></os></vm>',
    );
    expect(upd.status, upd.text).toBe(200);
    expect(arrayAt(entity(upd.body, 'vm'), 'os.boot.devices.device')).toEqual(['network']);
    const bad = await req(
      'PUT',
      `/vms/${vmId}`,
      '<vm><os><boot><devices><device>floppy</device></devices></boot></os></vm>',
    );
    expect(bad.status).toBe(400);
  });

  it('inserts an ISO disk, refuses a data disk and a hot change on a down VM, ejects', async () => {
    const refused = await req(
      'PUT',
      `/vms/${vmId}/cdroms/${CDROM}`,
      `<cdrom><file id="${dataId}"/></cdrom>`,
    );
    expect(refused.status).toBe(400);
    expect(String(entity(refused.body, 'fault').detail)).toMatch(/is not an ISO image/);
    const hot = await req(
      'PUT',
      `/vms/${vmId}/cdroms/${CDROM}?current=true`,
      `<cdrom><file id="${isoId}"/></cdrom>`,
    );
    expect(hot.status).toBe(409);
    const ins = await req(
      'PUT',
      `/vms/${vmId}/cdroms/${CDROM}`,
      `<cdrom><file id="${isoId}"/></cdrom>`,
    );
    expect(ins.status, ins.text).toBe(200);
    expect(entity(ins.body, 'cdrom').file).toEqual({ id: isoId });
    const one = await req('GET', `/vms/${vmId}/cdroms/${CDROM}`);
    expect(entity(one.body, 'cdrom').file).toEqual({ id: isoId });
    expect((await req('GET', `/vms/${vmId}/cdroms/1234`)).status).toBe(404);
    const del = await req('DELETE', `/disks/${isoId}`);
    expect(del.status).toBe(409);
    const ej = await req('PUT', `/vms/${vmId}/cdroms/${CDROM}`, '<cdrom><file id=""/></cdrom>');
    expect(ej.status, ej.text).toBe(200);
    expect(entity(ej.body, 'cdrom').file).toBeUndefined();
  });

  it('parses a run-once start with boot devices and a CD (a data disk is no CD)', async () => {
    const r = await req(
      'POST',
      `/vms/${vmId}/start`,
      `<action><vm><os><boot><devices><device>cdrom</device></devices></boot></os><cdroms><cdrom><file id="${dataId}"/></cdrom></cdroms></vm></action>`,
    );
    // oVirt answers a failed action with the fault inside `<action>`.
    expect(r.status).toBe(400);
    expect(r.text).toMatch(/is not an ISO image/);
    expect(entity((await req('GET', `/vms/${vmId}`)).body, 'vm').status).toBe('down');
  });
});
