// SPDX-License-Identifier: Apache-2.0
/**
 * Byte moves between an HTTP body and a ticket's file, streamed in bounded chunks: an image
 * is never held in memory. Files are opened per request with O_NOFOLLOW, so a symlink put in
 * place of a staging file is refused rather than followed.
 */
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { PassThrough, type Readable } from 'node:stream';

const WRITE_FLAGS = constants.O_WRONLY | constants.O_CREAT | constants.O_NOFOLLOW;
/** Zeroes are written from one shared buffer of this size. */
const ZERO_CHUNK = 1024 * 1024;
const ZEROES = Buffer.alloc(ZERO_CHUNK);

/** Thrown when a body ends before its Content-Length (the client went away). */
export class ShortBodyError extends Error {
  constructor(
    readonly expected: number,
    readonly received: number,
  ) {
    super(`request body ended after ${received} of ${expected} bytes`);
    this.name = 'ShortBodyError';
  }
}

/**
 * Writes exactly `length` bytes of `body` at `offset` (creating the file, never truncating
 * it), calling `onBytes` after each chunk lands. Extra bytes beyond `length` are refused.
 * @throws ShortBodyError, RangeError (body longer than declared), fs errors
 */
export async function writeAt(
  path: string,
  offset: number,
  length: number,
  body: AsyncIterable<Buffer>,
  onBytes: (n: number) => void,
  flush: boolean,
): Promise<void> {
  const fh = await open(path, WRITE_FLAGS, 0o600);
  try {
    let pos = offset;
    let received = 0;
    for await (const chunk of body) {
      if (received + chunk.length > length) {
        throw new RangeError(`request body is longer than its Content-Length ${length}`);
      }
      let done = 0;
      while (done < chunk.length) {
        const { bytesWritten } = await fh.write(chunk, done, chunk.length - done, pos);
        done += bytesWritten;
        pos += bytesWritten;
      }
      received += chunk.length;
      onBytes(chunk.length);
    }
    if (received !== length) throw new ShortBodyError(length, received);
    if (flush) await fh.datasync();
  } finally {
    await fh.close();
  }
}

/**
 * Makes `[offset, offset+length)` read as zeroes. The part past the end of the file is
 * only a truncate (a sparse hole, free); the part inside it is overwritten with zeroes.
 */
export async function zeroAt(
  path: string,
  offset: number,
  length: number,
  flush: boolean,
): Promise<void> {
  const fh = await open(path, WRITE_FLAGS, 0o600);
  try {
    const fileSize = (await fh.stat()).size;
    const end = offset + length;
    const insideEnd = Math.min(end, fileSize);
    for (let pos = offset; pos < insideEnd;) {
      const n = Math.min(ZERO_CHUNK, insideEnd - pos);
      const { bytesWritten } = await fh.write(ZEROES, 0, n, pos);
      pos += bytesWritten;
    }
    if (end > fileSize) await fh.truncate(end);
    if (flush) await fh.datasync();
  } finally {
    await fh.close();
  }
}

/** fdatasync of the file; a file not written yet has nothing to flush. */
export async function flushFile(path: string): Promise<void> {
  let fh;
  try {
    fh = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  try {
    await fh.datasync();
  } finally {
    await fh.close();
  }
}

/** Current size of the file, 0 when it does not exist yet. */
export async function fileSize(path: string): Promise<number> {
  try {
    const fh = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW);
    try {
      return (await fh.stat()).size;
    } finally {
      await fh.close();
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw err;
  }
}

/**
 * A stream of bytes `[start, end]`. What lies past the end of the file (an upload not yet
 * written that far) reads as zeroes, as the image the client is writing would.
 */
export async function readRange(path: string, start: number, end: number): Promise<Readable> {
  const size = await fileSize(path);
  const out = new PassThrough();
  const fromFileEnd = Math.min(end, size - 1);
  // Resolves on `drain`, or at once when the reader went away (then the pump stops).
  const room = (): Promise<unknown> =>
    new Promise((resolve) => {
      if (out.destroyed) {
        resolve(null);
        return;
      }
      out.once('drain', resolve);
      out.once('close', resolve);
    });
  const pump = async (): Promise<void> => {
    if (start <= fromFileEnd) {
      const fh = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW);
      const file = fh.createReadStream({ start, end: fromFileEnd, highWaterMark: 256 * 1024 });
      for await (const chunk of file as AsyncIterable<Buffer>) {
        if (out.destroyed) {
          file.destroy();
          return;
        }
        if (!out.write(chunk)) await room();
      }
    }
    for (let pos = Math.max(start, size); pos <= end && !out.destroyed;) {
      const n = Math.min(ZERO_CHUNK, end - pos + 1);
      if (!out.write(ZEROES.subarray(0, n))) await room();
      pos += n;
    }
    out.end();
  };
  pump().catch((err: unknown) => out.destroy(err as Error));
  return out;
}
