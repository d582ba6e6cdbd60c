// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from 'vitest';

import {
  detectImage,
  detectImageFile,
  diskNameFromFile,
  HEADER_BYTES,
  isIsoFile,
} from './image-header';

describe('image header', () => {
  it('reads the virtual size of a qcow2 header (big-endian at offset 24)', () => {
    const head = new Uint8Array(HEADER_BYTES);
    head.set([0x51, 0x46, 0x49, 0xfb, 0, 0, 0, 3]);
    // 3 GiB + 512 = 0x0000_0000_C000_0200
    head.set([0, 0, 0, 0, 0xc0, 0, 0x02, 0], 24);
    expect(detectImage(head, 200_000)).toEqual({
      format: 'qcow2',
      virtualSize: 3 * 1024 ** 3 + 512,
      version: 3,
    });
  });

  it('takes anything unknown as raw, sized by the file in whole sectors', () => {
    expect(detectImage(new Uint8Array(HEADER_BYTES), 1000)).toEqual({
      format: 'raw',
      virtualSize: 1024,
    });
    expect(detectImage(new Uint8Array(0), 0).format).toBe('unsupported');
  });

  it('names formats the engine cannot take', () => {
    const vmdk = new TextEncoder().encode('KDMV\x01\x00\x00\x00');
    expect(detectImage(vmdk, 1 << 20)).toEqual({ format: 'unsupported', name: 'VMDK' });
    const vdi = new Uint8Array(HEADER_BYTES);
    vdi.set([0x7f, 0x10, 0xda, 0xbe], 64);
    expect(detectImage(vdi, 1 << 20)).toEqual({ format: 'unsupported', name: 'VDI' });
    expect(detectImage(new Uint8Array([0x51, 0x46, 0x49, 0xfb, 0]), 5).format).toBe('unsupported');
  });

  it('agrees with qemu-img on the header it wrote', async () => {
    // `qemu-img create -f qcow2 x.qcow2 1234567168` (qemu 7.2), first 32 bytes.
    const head = Uint8Array.from(
      '514649fb000000030000000000000000000000000000001000000000499600 00'
        .replace(/ /g, '')
        .match(/../g)
        ?.map((h) => parseInt(h, 16)) ?? [],
    );
    const kind = await detectImageFile(new Blob([head, new Uint8Array(196_608 - 32)]));
    expect(kind).toEqual({ format: 'qcow2', virtualSize: 1234567168, version: 3 });
  });

  it('makes a disk name from a file name', () => {
    expect(diskNameFromFile('debian-12.qcow2')).toBe('debian-12');
    expect(diskNameFromFile('my disk (1).img')).toBe('my_disk__1_');
    expect(diskNameFromFile('.qcow2')).toBe('disk');
  });
});

describe('ISO images (issue 16)', () => {
  it('knows an ISO 9660 file by CD001 at byte 32769; raw and short files are not', async () => {
    const iso = new Uint8Array(40_000);
    iso.set(new TextEncoder().encode('CD001'), 0x8001);
    expect(await isIsoFile(new Blob([iso]))).toBe(true);
    expect(await isIsoFile(new Blob([new Uint8Array(40_000)]))).toBe(false);
    expect(await isIsoFile(new Blob(['tiny']))).toBe(false);
  });
});
