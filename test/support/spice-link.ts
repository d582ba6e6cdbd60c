// SPDX-License-Identifier: Apache-2.0
/**
 * A tiny SPICE client for tests: just the link handshake of the main channel with ticket
 * ("spice") authentication, enough to see whether QEMU's SPICE server takes a password.
 * Header `REDQ` 2.2, SpiceLinkMess (no capabilities: the server then expects the ticket right
 * after its reply), SpiceLinkReply with a 1024-bit RSA public key (SubjectPublicKeyInfo DER),
 * the password + NUL encrypted with RSA-OAEP (SHA-1), and a 4-byte link result.
 *
 * @see https://www.spice-space.org/spice-protocol.html (3. Common Protocol Definition)
 */
import { constants, createPublicKey, publicEncrypt } from 'node:crypto';
import { connect, type Socket } from 'node:net';

/** SpiceLinkErr values seen here. */
export const SPICE_LINK_OK = 0;
export const SPICE_LINK_PERMISSION_DENIED = 7;

const MAGIC = 0x51444552; // "REDQ"
const PUBKEY_BYTES = 162;
const MAIN_CHANNEL = 1;

function reader(socket: Socket): (n: number) => Promise<Buffer> {
  let buffered = Buffer.alloc(0);
  let waiting: (() => void) | null = null;
  let ended = false;
  socket.on('data', (c: Buffer) => {
    buffered = Buffer.concat([buffered, c]);
    waiting?.();
  });
  socket.on('close', () => {
    ended = true;
    waiting?.();
  });
  return async (n) => {
    while (buffered.length < n) {
      if (ended) throw new Error(`SPICE server closed after ${String(buffered.length)} bytes`);
      await new Promise<void>((r) => (waiting = r));
      waiting = null;
    }
    const out = buffered.subarray(0, n);
    buffered = buffered.subarray(n);
    return out;
  };
}

/**
 * Link to the main channel at host:port with `password`: the server's link result
 * (0 = in, 7 = permission denied). The connection is closed afterwards.
 */
export async function spiceLink(host: string, port: number, password: string): Promise<number> {
  const socket = connect({ host, port });
  socket.setTimeout(20_000, () => socket.destroy(new Error('SPICE link timed out')));
  const read = reader(socket);
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    const mess = Buffer.alloc(18);
    mess.writeUInt32LE(0, 0); // connection_id: a new session
    mess.writeUInt8(MAIN_CHANNEL, 4);
    mess.writeUInt8(0, 5); // channel_id
    mess.writeUInt32LE(0, 6); // num_common_caps
    mess.writeUInt32LE(0, 10); // num_channel_caps
    mess.writeUInt32LE(18, 14); // caps_offset
    const header = Buffer.alloc(16);
    header.writeUInt32LE(MAGIC, 0);
    header.writeUInt32LE(2, 4);
    header.writeUInt32LE(2, 8);
    header.writeUInt32LE(mess.length, 12);
    socket.write(Buffer.concat([header, mess]));

    const replyHeader = await read(16);
    if (replyHeader.readUInt32LE(0) !== MAGIC) throw new Error('not a SPICE server');
    const reply = await read(replyHeader.readUInt32LE(12));
    const error = reply.readUInt32LE(0);
    if (error !== SPICE_LINK_OK) return error;
    const key = reply.subarray(4, 4 + PUBKEY_BYTES);
    const ticket = publicEncrypt(
      {
        key: createPublicKey({ key, format: 'der', type: 'spki' }),
        padding: constants.RSA_PKCS1_OAEP_PADDING,
        oaepHash: 'sha1',
      },
      Buffer.from(`${password}\0`, 'latin1'),
    );
    socket.write(ticket);
    return (await read(4)).readUInt32LE(0);
  } finally {
    socket.destroy();
  }
}
