// SPDX-License-Identifier: Apache-2.0
/**
 * Just enough of an RFB 3.8 client for tests (RFC 6143): read the greeting, do VNC
 * authentication (DES challenge; node's OpenSSL has no single DES, but 3DES with one key
 * repeated three times is DES), and read the ServerInit. Works over a raw TCP socket or a
 * WebSocket, through {@link ByteQueue}.
 */
import { createCipheriv } from 'node:crypto';

/** Bytes as they arrive, read in exact lengths. */
export class ByteQueue {
  #buf = Buffer.alloc(0);
  #waiters: (() => void)[] = [];
  #closed = false;

  push(chunk: Buffer): void {
    this.#buf = Buffer.concat([this.#buf, chunk]);
    for (const w of this.#waiters.splice(0)) w();
  }

  close(): void {
    this.#closed = true;
    for (const w of this.#waiters.splice(0)) w();
  }

  /** Exactly `n` bytes; rejects when the stream ends first or after `timeoutMs`. */
  async read(n: number, timeoutMs = 10_000): Promise<Buffer> {
    const deadline = Date.now() + timeoutMs;
    while (this.#buf.length < n) {
      if (this.#closed) throw new Error(`stream ended with ${this.#buf.length}/${n} bytes`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no ${n} bytes within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.#waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
    const out = this.#buf.subarray(0, n);
    this.#buf = this.#buf.subarray(n);
    return out;
  }
}

/** The VNC authentication response: DES of the challenge, key = password with bits reversed. */
export function vncAuthResponse(password: string, challenge: Buffer): Buffer {
  const key = Buffer.alloc(8);
  Buffer.from(password, 'latin1').copy(key, 0, 0, 8);
  for (let i = 0; i < 8; i++) {
    let b = key[i] ?? 0;
    let r = 0;
    for (let bit = 0; bit < 8; bit++) {
      r = (r << 1) | (b & 1);
      b >>= 1;
    }
    key[i] = r;
  }
  const cipher = createCipheriv('des-ede3', Buffer.concat([key, key, key]), null);
  cipher.setAutoPadding(false);
  return Buffer.concat([cipher.update(challenge), cipher.final()]);
}

export interface RfbResult {
  readonly greeting: string;
  /** 'ok' with the framebuffer size, or the server's reason for refusing. */
  readonly auth: { ok: true; width: number; height: number } | { ok: false; reason: string };
}

/** Greeting, VNC authentication with `password`, and (on success) ServerInit. */
export async function rfbLogin(
  q: ByteQueue,
  send: (data: Buffer) => void,
  password: string,
): Promise<RfbResult> {
  const greeting = (await q.read(12)).toString('latin1');
  send(Buffer.from('RFB 003.008\n', 'latin1'));
  const count = (await q.read(1))[0] ?? 0;
  if (count === 0) {
    const len = (await q.read(4)).readUInt32BE(0);
    return { greeting, auth: { ok: false, reason: (await q.read(len)).toString() } };
  }
  const types = [...(await q.read(count))];
  if (!types.includes(2)) throw new Error(`no VNC authentication offered: ${types.join(',')}`);
  send(Buffer.from([2]));
  const challenge = await q.read(16);
  send(vncAuthResponse(password, challenge));
  const result = (await q.read(4)).readUInt32BE(0);
  if (result !== 0) {
    const len = (await q.read(4)).readUInt32BE(0);
    return { greeting, auth: { ok: false, reason: (await q.read(len)).toString() } };
  }
  send(Buffer.from([1]));
  const init = await q.read(24);
  return {
    greeting,
    auth: { ok: true, width: init.readUInt16BE(0), height: init.readUInt16BE(2) },
  };
}
