// SPDX-License-Identifier: Apache-2.0
/**
 * What a local image file is, read from its first bytes in the browser before anything is
 * sent: the disk to create must have the image's *virtual* size, which for qcow2 is in its
 * header (magic `QFI\xfb`, version at offset 4, size at offset 24, both big-endian) and for
 * raw is the file's length. Formats the engine cannot take are named so the user can convert.
 *
 * @see https://gitlab.com/qemu-project/qemu/-/blob/master/docs/interop/qcow2.txt
 */

/** Bytes to read: the qcow2 header fields we use, and the VDI signature at offset 64. */
export const HEADER_BYTES = 72;

export type ImageKind =
  | { readonly format: 'qcow2'; readonly virtualSize: number; readonly version: number }
  | { readonly format: 'raw'; readonly virtualSize: number }
  | { readonly format: 'unsupported'; readonly name: string };

const SECTOR = 512;

function startsWith(bytes: Uint8Array, ascii: string, at = 0): boolean {
  if (bytes.length < at + ascii.length) return false;
  for (let i = 0; i < ascii.length; i++) {
    if (bytes[at + i] !== ascii.charCodeAt(i)) return false;
  }
  return true;
}

/**
 * Detects the format from the file's first {@link HEADER_BYTES} bytes and its length.
 * Raw images get their length rounded up to whole 512-byte sectors (a disk is made of sectors).
 */
export function detectImage(head: Uint8Array, fileSize: number): ImageKind {
  if (startsWith(head, 'QFI\xfb')) {
    if (head.length < 32) return { format: 'unsupported', name: 'a truncated qcow2 header' };
    const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
    const version = view.getUint32(4, false);
    const size = view.getBigUint64(24, false);
    if (size > BigInt(Number.MAX_SAFE_INTEGER)) {
      return { format: 'unsupported', name: 'a qcow2 image with an impossible size' };
    }
    return { format: 'qcow2', virtualSize: Number(size), version };
  }
  if (startsWith(head, 'KDMV')) return { format: 'unsupported', name: 'VMDK' };
  if (startsWith(head, 'vhdxfile')) return { format: 'unsupported', name: 'VHDX' };
  if (startsWith(head, 'conectix')) return { format: 'unsupported', name: 'VHD' };
  if (
    head.length >= 68 &&
    head[64] === 0x7f &&
    head[65] === 0x10 &&
    head[66] === 0xda &&
    head[67] === 0xbe
  ) {
    return { format: 'unsupported', name: 'VDI' };
  }
  if (fileSize === 0) return { format: 'unsupported', name: 'an empty file' };
  return { format: 'raw', virtualSize: Math.ceil(fileSize / SECTOR) * SECTOR };
}

/** Reads the header of a browser `File`/`Blob` and detects it. */
export async function detectImageFile(file: Blob): Promise<ImageKind> {
  const head = new Uint8Array(await file.slice(0, HEADER_BYTES).arrayBuffer());
  return detectImage(head, file.size);
}

/** A disk name from a file name: `debian-12.qcow2` → `debian-12`, other characters → `_`. */
export function diskNameFromFile(fileName: string): string {
  const base = fileName.replace(/\.(qcow2|img|raw|iso)$/i, '');
  return base.replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 64) || 'disk';
}

/** Where an ISO 9660 image has its signature `CD001` (the primary volume descriptor). */
const ISO9660_MAGIC_AT = 0x8001;

/** Whether a browser `File` is an ISO 9660 image (uploaded as a disk with content type iso). */
export async function isIsoFile(file: Blob): Promise<boolean> {
  const bytes = new Uint8Array(
    await file.slice(ISO9660_MAGIC_AT, ISO9660_MAGIC_AT + 5).arrayBuffer(),
  );
  return startsWith(bytes, 'CD001');
}
