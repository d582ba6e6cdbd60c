// SPDX-License-Identifier: Apache-2.0
/**
 * Issue 11, must-show 3: a qcow2 image goes up through `/imagetransfers` with a plain HTTP
 * client (node:http, as oVirt's documented examples do with any client), is finalized and
 * checked by the engine, comes back down through a download transfer with the same guest
 * content; a truncated upload is refused (the disk ends illegal or removed, never ok).
 * Real engine, real qemu-img, real files.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { guestSha256, imageInfo, qemuImg, waitFor } from './storage-support';
import { API, type Appliance, entity, items, startAppliance, uniqueName } from './support';

let a: Appliance;
let work = '';
let qcow2 = '';
let sourceGuestSha = '';
const MiB = 1024 * 1024;

beforeAll(async () => {
  a = await startAppliance();
  work = mkdtempSync(join(tmpdir(), 'storage-transfer-'));
  // A real qcow2 image with real content: random data in the first 3 MiB of a 16 MiB disk.
  const raw = join(work, 'source.raw');
  writeFileSync(raw, Buffer.concat([randomBytes(3 * MiB), Buffer.alloc(13 * MiB)]));
  qcow2 = join(work, 'source.qcow2');
  await qemuImg('convert', '-f', 'raw', '-O', 'qcow2', raw, qcow2);
  sourceGuestSha = await guestSha256(qcow2, join(work, 'source.check.raw'));
});

afterAll(async () => {
  await a?.stop();
  if (work !== '') rmSync(work, { recursive: true, force: true });
});

interface Raw {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** A plain HTTP exchange with the data plane (no engine credentials: the ticket is the key). */
function plain(
  method: string,
  url: string,
  headers: Record<string, string> = {},
  body?: Buffer,
): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

let sdId = '';

/** The first-start domain; until the engine seeds one, a localfs domain added here. */
async function domainId(): Promise<string> {
  if (sdId !== '') return sdId;
  const r = await a.request('GET', `${API}/storagedomains`);
  const sd = items(r.body, 'storage_domains', 'storage_domain')[0];
  if (sd !== undefined) {
    sdId = String(sd.id);
    return sdId;
  }
  const host = items((await a.request('GET', `${API}/hosts`)).body, 'hosts', 'host')[0];
  const added = await a.request('POST', `${API}/storagedomains`, {
    body: `<storage_domain><name>${uniqueName('sd')}</name><type>data</type><storage><type>localfs</type><path>${join(a.dataDir, 'transfer-sd')}</path></storage><host><name>${String(host?.name)}</name></host></storage_domain>`,
  });
  expect(added.status, added.text).toBe(201);
  sdId = String(entity(added.body, 'storage_domain').id);
  return sdId;
}

/** POST /disks for the image and wait for `ok`. */
async function newDisk(name: string): Promise<string> {
  const info = await imageInfo(qcow2);
  const r = await a.request('POST', `${API}/disks`, {
    body:
      `<disk><name>${name}</name><format>cow</format><sparse>true</sparse>` +
      `<provisioned_size>${info['virtual-size']}</provisioned_size>` +
      `<initial_size>${statSync(qcow2).size}</initial_size>` +
      `<storage_domains><storage_domain id="${await domainId()}"/></storage_domains></disk>`,
  });
  expect(r.status, r.text).toBe(201);
  const id = String(entity(r.body, 'disk').id);
  await waitFor(a, `/disks/${id}`, 'disk', (d) => d.status === 'ok');
  return id;
}

/** POST /imagetransfers and wait for `transferring`; returns the transfer and its URL. */
async function startTransfer(
  diskId: string,
  direction: 'upload' | 'download',
): Promise<{ id: string; url: string }> {
  const r = await a.request('POST', `${API}/imagetransfers`, {
    body: `<image_transfer><disk id="${diskId}"/><direction>${direction}</direction><format>cow</format><inactivity_timeout>60</inactivity_timeout></image_transfer>`,
  });
  expect(r.status, r.text).toBe(201);
  const id = String(entity(r.body, 'image_transfer').id);
  const t = await waitFor(a, `/imagetransfers/${id}`, 'image_transfer', (e) => {
    if (['finished_failure', 'cancelled_system'].includes(String(e.phase))) {
      throw new Error(`transfer failed: ${JSON.stringify(e)}`);
    }
    return e.phase === 'transferring';
  });
  // oVirt's quirk: the disk id comes back in <image id>; clients read transfer.host.id.
  expect((t.image as { id: string }).id).toBe(diskId);
  expect((t.host as { id?: string } | undefined)?.id).toBeTruthy();
  expect(t.proxy_url).toBe(t.transfer_url);
  return { id, url: String(t.transfer_url) };
}

/** Upload `data` in chunks the way imageio's HTTP backend does: PUT flush=n, then one flush. */
async function upload(url: string, data: Buffer): Promise<void> {
  const options = await plain('OPTIONS', url);
  expect(options.status).toBe(200);
  expect((JSON.parse(options.body.toString()) as { features: string[] }).features).toContain(
    'flush',
  );
  const chunk = 4 * MiB;
  for (let offset = 0; offset < data.length; offset += chunk) {
    const part = data.subarray(offset, offset + chunk);
    const r = await plain(
      'PUT',
      `${url}?flush=n`,
      {
        'Content-Range': `bytes ${offset}-${offset + part.length - 1}/*`,
        'Content-Length': String(part.length),
      },
      part,
    );
    expect(r.status, r.body.toString()).toBe(200);
  }
  const flush = await plain(
    'PATCH',
    url,
    { 'Content-Type': 'application/json' },
    Buffer.from('{"op":"flush"}'),
  );
  expect(flush.status).toBe(200);
}

async function finalize(id: string): Promise<Record<string, unknown> | null> {
  const r = await a.request('POST', `${API}/imagetransfers/${id}/finalize`, { body: '<action/>' });
  expect(r.status, r.text).toBe(200);
  expect(entity(r.body, 'action').status).toBe('complete');
  // Finished transfers linger a while (oVirt ≥ 4.4.7); a 404 means it is already gone.
  const until = Date.now() + 120_000;
  while (Date.now() < until) {
    const t = await a.request('GET', `${API}/imagetransfers/${id}`);
    if (t.status === 404) return null;
    const phase = String(entity(t.body, 'image_transfer').phase);
    if (phase.startsWith('finished_')) return entity(t.body, 'image_transfer');
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error('finalize did not finish');
}

describe('image transfer through the imageio data plane', () => {
  it('uploads a qcow2 image, finalizes it, downloads it back with the same content', async () => {
    const data = readFileSync(qcow2);
    const diskId = await newDisk(uniqueName('up'));
    const up = await startTransfer(diskId, 'upload');
    expect(up.url).toBe(`${a.origin}/images/${up.url.split('/').pop() ?? ''}`);
    const locked = await a.request('GET', `${API}/disks/${diskId}`);
    expect(entity(locked.body, 'disk').status).toBe('locked');
    await upload(up.url, data);
    const during = await a.request('GET', `${API}/imagetransfers/${up.id}`);
    expect(Number(entity(during.body, 'image_transfer').transferred)).toBeGreaterThanOrEqual(
      data.length,
    );

    const done = await finalize(up.id);
    if (done !== null) expect(done.phase).toBe('finished_success');
    const disk = await waitFor(a, `/disks/${diskId}`, 'disk', (d) => d.status !== 'locked');
    expect(disk.status).toBe('ok');
    expect(disk.format).toBe('cow');
    // The ticket is revoked: the data plane refuses it now.
    expect((await plain('OPTIONS', up.url)).status).toBe(403);

    const down = await startTransfer(diskId, 'download');
    const options = await plain('OPTIONS', down.url);
    expect(String(options.headers.allow)).toBe('GET,OPTIONS');
    const whole = await plain('GET', down.url);
    expect(whole.status).toBe(200);
    const head = await plain('GET', down.url, { Range: 'bytes=0-3' });
    expect(head.status).toBe(206);
    expect(head.body.toString('latin1')).toBe('QFI\xfb');
    const denied = await plain('PUT', down.url, { 'Content-Length': '1' }, Buffer.from('x'));
    expect(denied.status).toBe(403);
    const back = join(work, 'downloaded.qcow2');
    writeFileSync(back, whole.body);
    expect((await imageInfo(back)).format).toBe('qcow2');
    expect(await guestSha256(back, join(work, 'downloaded.raw'))).toBe(sourceGuestSha);
    await finalize(down.id);
    expect((await plain('GET', down.url, { Range: 'bytes=0-0' })).status).toBe(403);
  });

  it('refuses a truncated upload: the disk is illegal or removed, never ok', async () => {
    const data = readFileSync(qcow2);
    const diskId = await newDisk(uniqueName('tr'));
    const up = await startTransfer(diskId, 'upload');
    await upload(up.url, data.subarray(0, Math.floor(data.length / 2)));
    const done = await finalize(up.id);
    if (done !== null) expect(done.phase).toBe('finished_failure');
    const after = await a.request('GET', `${API}/disks/${diskId}`);
    if (after.status === 200) {
      const disk = await waitFor(a, `/disks/${diskId}`, 'disk', (d) => d.status !== 'locked');
      expect(disk.status).toBe('illegal');
    } else {
      expect(after.status).toBe(404);
    }
  });

  it('faults for bad transfer requests, 403 for made-up tickets', async () => {
    const missing = await a.request('POST', `${API}/imagetransfers`, {
      body: '<image_transfer><direction>upload</direction></image_transfer>',
    });
    expect(missing.status).toBe(400);
    expect(entity(missing.body, 'fault').reason).toBe('Incomplete parameters');
    const badDirection = await a.request('POST', `${API}/imagetransfers`, {
      body: `<image_transfer><disk id="${'0'.repeat(8)}-0000-0000-0000-${'0'.repeat(12)}"/><direction>sideways</direction></image_transfer>`,
    });
    expect(badDirection.status).toBe(400);
    expect(entity(badDirection.body, 'fault').reason).toBe('Invalid Enum value');
    const unknownDisk = await a.request('POST', `${API}/imagetransfers`, {
      body: '<image_transfer><disk id="12345678-1234-1234-1234-123456789abc"/></image_transfer>',
    });
    expect([400, 404]).toContain(unknownDisk.status);
    const forged = await plain('GET', `${a.origin}/images/12345678-1234-1234-1234-123456789abc`);
    expect(forged.status).toBe(403);
    expect(String(forged.headers['content-type'])).toMatch(/^text\/plain/);
  });
});
