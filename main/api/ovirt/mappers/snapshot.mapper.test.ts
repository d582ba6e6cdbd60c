// SPDX-License-Identifier: Apache-2.0
/** A snapshot's document shows the boot order it recorded, as the VM's `os.boot.devices`. */
import { describe, expect, it } from 'vitest';

import type { Snapshot } from '../../../contract/snapshots';
import { snapshotDoc } from './snapshot.mapper';

const snapshot: Snapshot = {
  id: '11111111-2222-3333-4444-555555555555',
  vmId: '66666666-7777-8888-9999-000000000000',
  description: 'before install',
  type: 'regular',
  status: 'ok',
  date: '2026-12-03T20:00:00.000Z',
  persistMemoryState: false,
  vm: { name: 'inst', description: '', memoryBytes: 2 ** 30, vcpus: 1 },
  diskIds: [],
};

describe('snapshotDoc', () => {
  it('shows the recorded boot order under vm.os.boot.devices', () => {
    const doc = snapshotDoc('/api', {
      ...snapshot,
      vm: { ...snapshot.vm, bootDevices: ['cdrom', 'hd'], cdromFileId: null },
    });
    expect(doc.vm).toMatchObject({ os: { boot: { devices: { device: ['cdrom', 'hd'] } } } });
  });

  it('leaves os out for a snapshot taken before the boot order was recorded', () => {
    expect(snapshotDoc('/api', snapshot).vm).not.toHaveProperty('os');
  });
});
