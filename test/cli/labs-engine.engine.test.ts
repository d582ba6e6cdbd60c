// SPDX-License-Identifier: Apache-2.0
/**
 * Issue 15: the lab as an engine object, through the contract on a real SQLite file with the
 * real migrations (recording fake host: no guest boots). Two labs in one engine never touch
 * each other: a member of one cannot join the other, a VM of one cannot reach a network of
 * the other, removing one's members leaves the other as it was; every refusal changes
 * nothing (data tables, lab tables, host).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import type { Network } from '../../main/contract/networks';
import {
  expectRefused,
  type Harness,
  must,
  removeDir,
  startHarness,
} from '../fixtures/engine-harness';
import { RecordingHostAgent } from '../fixtures/recording-host-agent';

let h: Harness;
let agent: RecordingHostAgent;

beforeEach(async () => {
  agent = new RecordingHostAgent();
  h = await startHarness(agent);
});
afterEach(async () => {
  await h.close();
  removeDir(h.dir);
});

const DC = { name: 'Default' };
const CL = { name: 'Default' };

async function isolated(name: string): Promise<Network> {
  const n = await h.ok('AddNetwork', { name, dataCenter: DC, mtu: 1500, isolated: true });
  await h.ok('AttachNetworkToCluster', { cluster: CL, network: { id: n.id } });
  return n;
}

async function vmOn(network: Network, name: string): Promise<string> {
  const vm = await h.ok('AddVm', { name, cluster: CL, template: { name: 'tiny' } });
  const profile = must(
    (await h.ok('GetVnicProfilesByNetworkId', { networkId: network.id }))[0],
    'profile',
  );
  await h.ok('AddVmInterface', { vmId: vm.id, name: 'nic1', vnicProfileId: profile.id });
  return vm.id;
}

/** Refused with `code`, and the labs (with their members) are as they were. */
async function refusedLabsUnchanged(
  op: 'AttachToLab' | 'AddLab' | 'RemoveLab' | 'DetachFromLab',
  input: Record<string, string>,
  code: string,
  category: string,
): Promise<void> {
  const before = await h.ok('GetAllLabs', {});
  await expectRefused(h, agent, op, input as never, code, category);
  expect(await h.ok('GetAllLabs', {})).toEqual(before);
}

describe('a lab is a named engine object', () => {
  it('adds, lists, updates and removes a lab; bad and duplicate names are refused', async () => {
    const lab = await h.ok('AddLab', { name: 'red', description: 'first' });
    expect(lab).toMatchObject({ name: 'red', description: 'first', networkIds: [], vmIds: [] });
    await refusedLabsUnchanged(
      'AddLab',
      { name: 'bad name!' },
      'ACTION_TYPE_FAILED_LAB_NAME_INVALID',
      'BAD_PARAMETERS',
    );
    await refusedLabsUnchanged(
      'AddLab',
      { name: 'red' },
      'ACTION_TYPE_FAILED_NAME_ALREADY_USED',
      'CONFLICT',
    );
    expect((await h.ok('UpdateLab', { id: lab.id, description: 'x' })).description).toBe('x');
    expect((await h.ok('GetAllLabs', {})).map((l) => l.name)).toEqual(['red']);
    await h.ok('RemoveLab', { id: lab.id });
    expect((await h.err('GetLabById', { id: lab.id })).code).toBe('ENTITY_NOT_FOUND');
  });
});

describe('two labs in one engine never touch each other', () => {
  it('keeps members apart and refuses what would connect them', async () => {
    const red = await h.ok('AddLab', { name: 'red' });
    const blue = await h.ok('AddLab', { name: 'blue' });
    const redNet = await isolated('red-net');
    const blueNet = await isolated('blue-net');
    const redVm = await vmOn(redNet, 'red-vm');
    const blueVm = await vmOn(blueNet, 'blue-vm');
    await h.ok('AttachToLab', { labId: red.id, networkId: redNet.id });
    await h.ok('AttachToLab', { labId: red.id, vmId: redVm });
    // Attaching twice changes nothing (apply is idempotent).
    await h.ok('AttachToLab', { labId: red.id, vmId: redVm });
    await h.ok('AttachToLab', { labId: blue.id, networkId: blueNet.id });
    await h.ok('AttachToLab', { labId: blue.id, vmId: blueVm });

    // A member of one lab cannot join the other.
    await refusedLabsUnchanged(
      'AttachToLab',
      { labId: blue.id, networkId: redNet.id },
      'ACTION_TYPE_FAILED_BELONGS_TO_OTHER_LAB',
      'CONFLICT',
    );
    await refusedLabsUnchanged(
      'AttachToLab',
      { labId: blue.id, vmId: redVm },
      'ACTION_TYPE_FAILED_BELONGS_TO_OTHER_LAB',
      'CONFLICT',
    );
    // A VM of no lab on red's network cannot join blue (it would connect the two labs).
    const stray = await vmOn(redNet, 'stray');
    await refusedLabsUnchanged(
      'AttachToLab',
      { labId: blue.id, vmId: stray },
      'ACTION_TYPE_FAILED_LAB_CROSSES_OTHER_LAB',
      'CONFLICT',
    );
    // Nor can a network of no lab that a red VM uses join blue.
    const shared = await isolated('shared');
    const profile = must((await h.ok('GetVnicProfilesByNetworkId', { networkId: shared.id }))[0]);
    await h.ok('AddVmInterface', { vmId: redVm, name: 'nic2', vnicProfileId: profile.id });
    await refusedLabsUnchanged(
      'AttachToLab',
      { labId: blue.id, networkId: shared.id },
      'ACTION_TYPE_FAILED_LAB_CROSSES_OTHER_LAB',
      'CONFLICT',
    );
    // A lab with members is not removed; detaching what is not in it is refused.
    await refusedLabsUnchanged(
      'RemoveLab',
      { id: red.id },
      'ACTION_TYPE_FAILED_LAB_NOT_EMPTY',
      'CONFLICT',
    );
    await refusedLabsUnchanged(
      'DetachFromLab',
      { labId: red.id, vmId: blueVm },
      'ACTION_TYPE_FAILED_NOT_IN_LAB',
      'CONFLICT',
    );

    // Removing red's VM and network drops them from red (foreign keys), blue is untouched.
    const blueBefore = await h.ok('GetLabById', { id: blue.id });
    await h.ok('RemoveVmInterface', {
      vmId: redVm,
      id: must((await h.ok('GetVmInterfaces', { vmId: redVm })).find((n) => n.name === 'nic2')).id,
    });
    await h.ok('RemoveVm', { id: redVm });
    await h.ok('RemoveVm', { id: stray });
    await h.ok('DetachNetworkFromCluster', {
      clusterId: must((await h.ok('GetAllClusters', {}))[0]).id,
      networkId: redNet.id,
    });
    await h.ok('RemoveNetwork', { id: redNet.id });
    expect(await h.ok('GetLabById', { id: red.id })).toMatchObject({ networkIds: [], vmIds: [] });
    await h.ok('RemoveLab', { id: red.id });
    expect(await h.ok('GetLabById', { id: blue.id })).toEqual(blueBefore);
    expect(blueBefore).toMatchObject({ networkIds: [blueNet.id], vmIds: [blueVm] });
    // Detaching keeps the resource.
    await h.ok('DetachFromLab', { labId: blue.id, vmId: blueVm });
    expect((await h.ok('GetVmById', { id: blueVm })).name).toBe('blue-vm');
  });
});

describe("a lab VM's vNIC never lands on another lab's network", () => {
  it('AddVmInterface and UpdateVmInterface refuse it with a clear fault, nothing changed', async () => {
    const red = await h.ok('AddLab', { name: 'red' });
    const blue = await h.ok('AddLab', { name: 'blue' });
    const redNet = await isolated('red-net');
    const redNet2 = await isolated('red-net2');
    const blueNet = await isolated('blue-net');
    const redVm = await vmOn(redNet, 'red-vm');
    await h.ok('AttachToLab', { labId: red.id, networkId: redNet.id });
    await h.ok('AttachToLab', { labId: red.id, networkId: redNet2.id });
    await h.ok('AttachToLab', { labId: red.id, vmId: redVm });
    await h.ok('AttachToLab', { labId: blue.id, networkId: blueNet.id });
    const profileOf = async (n: Network): Promise<string> =>
      must((await h.ok('GetVnicProfilesByNetworkId', { networkId: n.id }))[0]).id;
    const blueProfile = await profileOf(blueNet);

    const added = await expectRefused(
      h,
      agent,
      'AddVmInterface',
      { vmId: redVm, name: 'nic2', vnicProfileId: blueProfile },
      'ACTION_TYPE_FAILED_VNIC_CROSSES_LAB',
      'CONFLICT',
    );
    expect(added.messages.join(' ')).toContain(
      'VM red-vm belongs to lab red and network blue-net to lab blue',
    );
    const nic1 = must((await h.ok('GetVmInterfaces', { vmId: redVm }))[0]);
    await expectRefused(
      h,
      agent,
      'UpdateVmInterface',
      { vmId: redVm, id: nic1.id, vnicProfileId: blueProfile },
      'ACTION_TYPE_FAILED_VNIC_CROSSES_LAB',
      'CONFLICT',
    );
    expect((await h.ok('GetVmInterfaces', { vmId: redVm })).map((n) => n.vnicProfileId)).toEqual([
      nic1.vnicProfileId,
    ]);
    // Within its own lab, and for a VM of no lab, vNICs move freely.
    await h.ok('UpdateVmInterface', {
      vmId: redVm,
      id: nic1.id,
      vnicProfileId: await profileOf(redNet2),
    });
    const free = await h.ok('AddVm', { name: 'free-vm', cluster: CL, template: { name: 'tiny' } });
    await h.ok('AddVmInterface', { vmId: free.id, name: 'nic1', vnicProfileId: blueProfile });
  });
});
