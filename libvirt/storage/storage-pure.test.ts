// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from 'vitest';

import { checkAbsolute, isInside } from './paths';
import { parseConvertProgress } from './qemu-img';
import { diskspec, snapshotArgs } from './snapshot';

describe('path rules', () => {
  it('tells inside from outside without being fooled by a shared prefix', () => {
    expect(isInside('/sd', '/sd/images/a')).toBe(true);
    expect(isInside('/sd', '/sd')).toBe(true);
    expect(isInside('/sd', '/sd2/images')).toBe(false);
    expect(isInside('/sd', '/')).toBe(false);
    expect(isInside('/sd', '/sd/../etc')).toBe(false);
  });

  it.each(['', 'relative/path', '/sd/../etc/passwd', '/sd/a\0b'])('refuses %j', (path) => {
    expect(() => checkAbsolute(path)).toThrow(
      expect.objectContaining({ code: 'STORAGE_PATH_INVALID' }),
    );
  });

  it('normalizes what it accepts', () => {
    expect(checkAbsolute('/sd//images/./a')).toBe('/sd/images/a');
  });
});

describe('qemu-img convert progress', () => {
  it('reads the last (n/100%) of a chunk, as a fraction', () => {
    expect(parseConvertProgress('    (0.00/100%)\r    (1.01/100%)\r')).toBeCloseTo(0.0101);
    expect(parseConvertProgress('    (100.00/100%)\r\n')).toBe(1);
    expect(parseConvertProgress('no progress here')).toBeNull();
  });
});

describe('virsh snapshot arguments', () => {
  it('doubles commas in diskspec values (virsh splits on single commas)', () => {
    expect(diskspec('vda', { snapshot: 'external', file: '/sd/a,b' })).toBe(
      'vda,snapshot=external,file=/sd/a,,b',
    );
  });

  it('names every disk: the overlays, and snapshot=no for the others', () => {
    expect(
      snapshotArgs('qemu:///system', 'u-1', [
        { target: 'vda', overlayPath: '/sd/v2' },
        { target: 'sda', overlayPath: null },
      ]),
    ).toEqual([
      '-c',
      'qemu:///system',
      'snapshot-create-as',
      '--domain',
      'u-1',
      '--disk-only',
      '--atomic',
      '--no-metadata',
      '--diskspec',
      'vda,snapshot=external,driver=qcow2,file=/sd/v2',
      '--diskspec',
      'sda,snapshot=no',
    ]);
  });
});
