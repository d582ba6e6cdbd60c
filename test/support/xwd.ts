// SPDX-License-Identifier: Apache-2.0
/**
 * Reads an X window dump (`xwd -root`, ZPixmap, 24/32 bits per pixel: what Xvfb gives) into
 * RGB pixels, and writes a PNG of it (zlib only), so tests can judge and keep a screenshot of
 * an X client (remote-viewer) without ImageMagick.
 *
 * @see /usr/include/X11/XWDFile.h
 */
import { deflateSync } from 'node:zlib';

export interface RgbImage {
  readonly width: number;
  readonly height: number;
  /** width × height × 3 bytes, row by row. */
  readonly rgb: Buffer;
}

/** Parses an XWD file (version 7, ZPixmap, 24 or 32 bits per pixel, TrueColor). */
export function parseXwd(file: Buffer): RgbImage {
  const u32 = (i: number): number => file.readUInt32BE(i * 4);
  const headerSize = u32(0);
  if (u32(1) !== 7) throw new Error(`not an XWD version 7 file (version ${u32(1)})`);
  if (u32(2) !== 2) throw new Error('only ZPixmap dumps are read');
  const width = u32(4);
  const height = u32(5);
  const byteOrder = u32(7); // 0 = LSBFirst
  const bitsPerPixel = u32(11);
  const bytesPerLine = u32(12);
  const [redMask, greenMask, blueMask] = [u32(14), u32(15), u32(16)];
  const colormapEntries = u32(19);
  if (bitsPerPixel !== 32 && bitsPerPixel !== 24)
    throw new Error(`${bitsPerPixel} bits per pixel not supported`);
  const data = headerSize + colormapEntries * 12;
  const bytes = bitsPerPixel / 8;
  const shift = (mask: number): number => (mask === 0 ? 0 : 31 - Math.clz32(mask & -mask));
  const rgb = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const at = data + y * bytesPerLine + x * bytes;
      let p = 0;
      for (let b = 0; b < bytes; b++) {
        const v = file[at + b] ?? 0;
        p = byteOrder === 0 ? p + v * 2 ** (8 * b) : p * 256 + v;
      }
      const o = (y * width + x) * 3;
      rgb[o] = (p & redMask) >>> shift(redMask);
      rgb[o + 1] = (p & greenMask) >>> shift(greenMask);
      rgb[o + 2] = (p & blueMask) >>> shift(blueMask);
    }
  }
  return { width, height, rgb };
}

/** Pixels whose r+g+b is above `threshold`, and pixels that are exactly black. */
export function pixelStats(img: RgbImage, threshold = 96): { lit: number; black: number } {
  let lit = 0;
  let black = 0;
  for (let i = 0; i < img.rgb.length; i += 3) {
    const sum = (img.rgb[i] ?? 0) + (img.rgb[i + 1] ?? 0) + (img.rgb[i + 2] ?? 0);
    if (sum > threshold) lit++;
    if (sum === 0) black++;
  }
  return { lit, black };
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buf: Buffer): number {
  let c = 0xffffffff;
  for (const b of buf) c = (CRC_TABLE[(c ^ b) & 0xff] ?? 0) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** An 8-bit RGB PNG of the image. */
export function toPng(img: RgbImage): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(img.width, 0);
  ihdr.writeUInt32BE(img.height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // colour type RGB
  const raw = Buffer.alloc((img.width * 3 + 1) * img.height);
  for (let y = 0; y < img.height; y++) {
    raw[y * (img.width * 3 + 1)] = 0; // filter: none
    img.rgb.copy(raw, y * (img.width * 3 + 1) + 1, y * img.width * 3, (y + 1) * img.width * 3);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
