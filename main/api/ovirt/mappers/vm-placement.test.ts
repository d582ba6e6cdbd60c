// SPDX-License-Identifier: Apache-2.0
/** Issue 17: `placement_policy` in and out of VM documents (AM `types/VmPlacementPolicy.java`). */
import { describe, expect, it } from 'vitest';

import type { Vm } from '../../../contract/vms';
import type { InputObject } from '../input';
import { placementPolicyInput, runVmInput, vmDoc } from './vm.mapper';

const vm = (placementPolicy?: Vm['placementPolicy']): Vm => ({
  id: '11111111-1111-4111-8111-111111111111',
  name: 'v',
  description: '',
  clusterId: '22222222-2222-4222-8222-222222222222',
  templateId: '33333333-3333-4333-8333-333333333333',
  memoryBytes: 1 << 27,
  vcpus: 1,
  status: 'down',
  hostId: null,
  boot: { kind: 'tiny' },
  initialization: null,
  startTime: null,
  stopTime: null,
  stopReason: null,
  creationTime: '2026-12-03T20:00:00.000Z',
  ...(placementPolicy ? { placementPolicy } : {}),
});

describe('placement_policy', () => {
  it('reads hosts by id or name and the affinity; an empty <hosts/> clears, absent keeps', () => {
    const o = {
      placement_policy: {
        affinity: 'Pinned',
        hosts: { host: [{ id: 'a' }, { name: 'b' }] },
      },
    } as unknown as InputObject;
    expect(placementPolicyInput(o)).toEqual({
      affinity: 'pinned',
      hosts: [{ id: 'a' }, { name: 'b' }],
    });
    expect(placementPolicyInput({ placement_policy: { hosts: '' } })).toEqual({ hosts: [] });
    expect(
      placementPolicyInput({
        placement_policy: { affinity: 'migratable' },
      }),
    ).toEqual({ affinity: 'migratable' });
    expect(placementPolicyInput({})).toBeUndefined();
  });

  it('refuses an unknown affinity with the enum fault', () => {
    expect(() => placementPolicyInput({ placement_policy: { affinity: 'sticky' } })).toThrow(
      /sticky/,
    );
  });

  it('run once: the start action carries vm.placement_policy', () => {
    const action = {
      vm: { placement_policy: { hosts: { host: { id: 'h' } } } },
    } as unknown as InputObject;
    expect(runVmInput('x', action)).toEqual({ id: 'x', placementPolicy: { hosts: [{ id: 'h' }] } });
  });

  it('shows the affinity always and hosts only when there are some', () => {
    const base = 'https://e/ovirt-engine/api';
    expect(vmDoc(base, vm()).placement_policy).toEqual({
      affinity: 'migratable',
      hosts: undefined,
    });
    const hostId = '44444444-4444-4444-8444-444444444444';
    expect(vmDoc(base, vm({ affinity: 'pinned', hostIds: [hostId] })).placement_policy).toEqual({
      affinity: 'pinned',
      hosts: { host: [{ href: `${base}/hosts/${hostId}`, id: hostId }] },
    });
  });
});
