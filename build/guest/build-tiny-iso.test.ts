// SPDX-License-Identifier: Apache-2.0
import { open } from 'node:fs/promises';

import { describe, expect, it } from 'vitest';

import { aioCacheDir } from '../../libvirt/tiny-guest';
import { readTinyIso, TINY_ISO_VOLUME_ID, tinyIsoHash } from './build-tiny-iso';

describe('tinyIsoHash', () => {
  it('changes with the tiny guest and with GRUB, and is a directory-safe name', () => {
    const a = tinyIsoHash({ hash: 'aaaa' }, '2.06-13');
    expect(a).toMatch(/^[0-9a-f]{16}$/);
    expect(tinyIsoHash({ hash: 'aaaa' }, '2.06-13')).toBe(a);
    expect(tinyIsoHash({ hash: 'bbbb' }, '2.06-13')).not.toBe(a);
    expect(tinyIsoHash({ hash: 'aaaa' }, '2.06-14')).not.toBe(a);
  });
});

let built: ReturnType<typeof readTinyIso> | null = null;
try {
  built = readTinyIso(aioCacheDir());
} catch (e) {
  console.log(`[unit] built ISO checks skipped: ${(e as Error).message} (npm run setup builds it)`);
}

describe.skipIf(built === null)('the ISO setup built', () => {
  it('is a hybrid ISO 9660 image named AIO_TINY (boots from a CD and, copied, from a disk)', async () => {
    const f = await open(built?.isoPath ?? '', 'r');
    try {
      const read = async (at: number, n: number): Promise<Buffer> => {
        const b = Buffer.alloc(n);
        await f.read(b, 0, n, at);
        return b;
      };
      // Primary volume descriptor (sector 16): type 1, "CD001", volume id at byte 40.
      const pvd = await read(16 * 2048, 72);
      expect(pvd.subarray(1, 6).toString('latin1')).toBe('CD001');
      expect(pvd.subarray(40, 72).toString('latin1').trim()).toBe(TINY_ISO_VOLUME_ID);
      // grub-mkrescue's hybrid MBR: the boot signature a BIOS wants on a disk.
      const mbr = await read(510, 2);
      expect([...mbr]).toEqual([0x55, 0xaa]);
    } finally {
      await f.close();
    }
    expect(built?.modules).toEqual(expect.arrayContaining(['virtio_scsi', 'sr_mod', 'virtio_blk']));
  });
});
