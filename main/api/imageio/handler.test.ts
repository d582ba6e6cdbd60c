// SPDX-License-Identifier: Apache-2.0
/**
 * The data plane over real HTTP and real files: a node:http server runs the handler, tickets
 * come from a table (the engine's part is covered by test/functional/storage-*.test.ts).
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ImageioHandler } from './handler';
import type { ImageTickets, TicketInfo } from './tickets';

const dir = mkdtempSync(join(tmpdir(), 'imageio-test-'));
const table = new Map<string, TicketInfo>();
const progress = new Map<string, number>();
const tickets: ImageTickets = {
  lookup: (t) => Promise.resolve(table.get(t) ?? null),
  progress: (t, n) => {
    progress.set(t, n);
    return Promise.resolve();
  },
};
let server: Server;
let origin = '';

function ticket(info: Omit<TicketInfo, 'path'> & { path?: string }): string {
  const id = randomUUID();
  table.set(id, { path: info.path ?? join(dir, id), ...info });
  return id;
}

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** One raw exchange; `body` may be cut short by `sendOnly` bytes to simulate a dropped client. */
function call(
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: Buffer,
  sendOnly?: number,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(`${origin}${path}`, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) });
      });
      res.on('error', reject);
    });
    if (body !== undefined && sendOnly !== undefined) {
      req.write(body.subarray(0, sendOnly));
      // Give the server the partial body, then drop the connection.
      setTimeout(() => req.destroy(), 100);
      req.on('error', () => {
        resolve({ status: -1, headers: {}, body: Buffer.alloc(0) });
      });
      return;
    }
    req.on('error', reject);
    req.end(body);
  });
}

const put = (id: string, data: Buffer, offset = 0, query = ''): Promise<Answer> =>
  call(
    'PUT',
    `/images/${id}${query}`,
    {
      'Content-Range': `bytes ${offset}-${offset + data.length - 1}/*`,
      'Content-Length': String(data.length),
    },
    data,
  );

beforeAll(async () => {
  const handler = new ImageioHandler(tickets);
  server = createServer((req, res) => {
    void handler.handle(req, res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  rmSync(dir, { recursive: true, force: true });
});

describe('imageio data plane', () => {
  it('OPTIONS advertises features, one writer, and Allow by ticket kind', async () => {
    const up = ticket({ direction: 'upload', size: 1024, writable: true });
    const a = await call('OPTIONS', `/images/${up}`);
    expect(a.status).toBe(200);
    expect(a.headers.allow).toBe('GET,PUT,PATCH,OPTIONS');
    expect(JSON.parse(a.body.toString())).toEqual({
      features: ['extents', 'zero', 'flush'],
      max_readers: 8,
      max_writers: 1,
    });
    const down = ticket({ direction: 'download', size: 1024, writable: false });
    const b = await call('OPTIONS', `/images/${down}`);
    expect(b.headers.allow).toBe('GET,OPTIONS');
    expect((JSON.parse(b.body.toString()) as { features: unknown }).features).toEqual(['extents']);
  });

  it('unknown, malformed or revoked tickets are 403/404 in plain text', async () => {
    const a = await call('GET', `/images/${randomUUID()}`);
    expect(a.status).toBe(403);
    expect(a.headers['content-type']).toMatch(/^text\/plain/);
    const id = ticket({ direction: 'upload', size: 10, writable: true });
    table.delete(id);
    expect((await put(id, Buffer.from('x'))).status).toBe(403);
    expect((await call('GET', '/images/not..a.ticket')).status).toBe(404);
    expect((await call('GET', `/images/${randomUUID()}/other`)).status).toBe(404);
  });

  it('PUT chunks at their offsets, GET returns them whole (200) and by range (206)', async () => {
    const data = randomBytes(3 * 1024 * 1024 + 17);
    const id = ticket({ direction: 'upload', size: data.length, writable: true });
    const half = 1_500_000;
    expect((await put(id, data.subarray(half), half, '?flush=n')).status).toBe(200);
    expect((await put(id, data.subarray(0, half), 0, '?flush=y')).status).toBe(200);
    const path = table.get(id)?.path ?? '';
    expect(readFileSync(path).equals(data)).toBe(true);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(progress.get(id)).toBe(data.length);

    const all = await call('GET', `/images/${id}`);
    expect(all.status).toBe(200);
    expect(all.headers['content-length']).toBe(String(data.length));
    expect(all.body.equals(data)).toBe(true);

    const part = await call('GET', `/images/${id}`, { Range: 'bytes=100-199' });
    expect(part.status).toBe(206);
    expect(part.headers['content-range']).toBe('bytes 100-199/*');
    expect(part.headers['content-length']).toBe('100');
    expect(part.body.equals(data.subarray(100, 200))).toBe(true);

    // An end past the image is clamped; an open end reads to the last byte.
    const tail = await call('GET', `/images/${id}`, { Range: `bytes=${data.length - 5}-` });
    expect(tail.status).toBe(206);
    expect(tail.body.equals(data.subarray(data.length - 5))).toBe(true);
  });

  it('refuses ranges past the end (416 with the size) and several ranges', async () => {
    const id = ticket({ direction: 'upload', size: 1000, writable: true });
    const over = await put(id, Buffer.alloc(10), 995);
    expect(over.status).toBe(416);
    expect(over.headers['content-range']).toBe('bytes */1000');
    const get = await call('GET', `/images/${id}`, { Range: 'bytes=1000-1001' });
    expect(get.status).toBe(416);
    const multi = await call('GET', `/images/${id}`, { Range: 'bytes=0-1,5-6' });
    expect(multi.status).toBe(416);
    const bad = await call('GET', `/images/${id}`, { Range: 'pages=1' });
    expect(bad.status).toBe(400);
  });

  it('PUT needs Content-Length and a valid Content-Range; flush must be y|n', async () => {
    const id = ticket({ direction: 'upload', size: 1000, writable: true });
    const chunked = await call(
      'PUT',
      `/images/${id}`,
      { 'Transfer-Encoding': 'chunked' },
      Buffer.from('abc'),
    );
    expect(chunked.status).toBe(400);
    expect(chunked.body.toString()).toMatch(/Content-Length/);
    const range = await call(
      'PUT',
      `/images/${id}`,
      { 'Content-Range': 'bytes x-y/*', 'Content-Length': '3' },
      Buffer.from('abc'),
    );
    expect(range.status).toBe(400);
    expect((await put(id, Buffer.from('abc'), 0, '?flush=maybe')).status).toBe(400);
    // No Content-Range = offset 0 (curl -T).
    const plain = await call('PUT', `/images/${id}`, { 'Content-Length': '3' }, Buffer.from('abc'));
    expect(plain.status).toBe(200);
    expect(readFileSync(table.get(id)?.path ?? '').toString()).toBe('abc');
  });

  it('a body cut short is not acknowledged and not counted as complete', async () => {
    const data = randomBytes(256 * 1024);
    const id = ticket({ direction: 'upload', size: data.length, writable: true });
    const a = await call(
      'PUT',
      `/images/${id}`,
      { 'Content-Length': String(data.length), 'Content-Range': `bytes 0-${data.length - 1}/*` },
      data,
      1000,
    );
    expect(a.status).not.toBe(200);
    await new Promise((r) => setTimeout(r, 200));
    expect(progress.get(id) ?? 0).toBeLessThan(data.length);
    // The writer slot is free again: the client can resend.
    expect((await put(id, data)).status).toBe(200);
  });

  it('PATCH zero (inside and past the file end) and flush; bad PATCH bodies are 400', async () => {
    const id = ticket({ direction: 'upload', size: 8192, writable: true });
    await put(id, Buffer.alloc(4096, 0xab));
    const zero = await call(
      'PATCH',
      `/images/${id}`,
      { 'Content-Type': 'application/json' },
      Buffer.from(JSON.stringify({ op: 'zero', offset: 1024, size: 5000, flush: true })),
    );
    expect(zero.status).toBe(200);
    const file = readFileSync(table.get(id)?.path ?? '');
    expect(file.length).toBe(6024);
    expect(file.subarray(0, 1024).every((b) => b === 0xab)).toBe(true);
    expect(file.subarray(1024).every((b) => b === 0)).toBe(true);
    const flush = await call('PATCH', `/images/${id}`, {}, Buffer.from('{"op":"flush"}'));
    expect(flush.status).toBe(200);
    for (const body of [
      '{"op":"zero"}',
      '{"op":"trim","size":1}',
      'not json',
      '[1]',
      '{"op":"zero","size":-1}',
    ]) {
      expect((await call('PATCH', `/images/${id}`, {}, Buffer.from(body))).status).toBe(400);
    }
    const past = await call(
      'PATCH',
      `/images/${id}`,
      {},
      Buffer.from('{"op":"zero","offset":8000,"size":500}'),
    );
    expect(past.status).toBe(416);
  });

  it('read-only tickets refuse PUT and PATCH; extents cover the image', async () => {
    const path = join(dir, 'volume');
    const data = randomBytes(70_000);
    writeFileSync(path, data);
    const id = ticket({ direction: 'download', size: data.length, writable: false, path });
    expect((await put(id, Buffer.from('x'))).status).toBe(403);
    expect((await call('PATCH', `/images/${id}`, {}, Buffer.from('{"op":"flush"}'))).status).toBe(
      403,
    );
    expect(readFileSync(path).equals(data)).toBe(true);
    const ext = await call('GET', `/images/${id}/extents?context=zero`);
    expect(ext.status).toBe(200);
    expect(JSON.parse(ext.body.toString())).toEqual([
      { start: 0, length: data.length, zero: false, hole: false },
    ]);
    expect((await call('GET', `/images/${id}/extents?context=dirty`)).status).toBe(404);
    expect((await call('DELETE', `/images/${id}`)).status).toBe(405);
  });

  it('serves concurrent ranged GETs of one download', async () => {
    const path = join(dir, 'concurrent');
    const data = randomBytes(2 * 1024 * 1024);
    writeFileSync(path, data);
    const id = ticket({ direction: 'download', size: data.length, writable: false, path });
    const chunk = 256 * 1024;
    const parts = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        call('GET', `/images/${id}`, { Range: `bytes=${i * chunk}-${(i + 1) * chunk - 1}` }),
      ),
    );
    expect(parts.every((p) => p.status === 206)).toBe(true);
    const joined = Buffer.concat(parts.map((p) => p.body));
    const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
    expect(sha(joined)).toBe(sha(data));
  });
});
