// SPDX-License-Identifier: Apache-2.0
/**
 * Disk images in and out of an engine the way oVirt's own clients do it (the SDK's
 * upload_disk.py / download_disk.py): `POST /imagetransfers` for a disk, wait for
 * `transferring`, then plain HTTP against `transfer_url` (imageio: GET for a download;
 * PUT with Content-Range in chunks, then a flush, for an upload), then `finalize` and wait
 * for `finished_success`. Works against any engine given with `--url`.
 */
import { createReadStream, createWriteStream, statSync } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

import { type EngineClient, EngineFault, text } from '../../engine/client';

const MiB = 1024 * 1024;
const CHUNK = 8 * MiB;

/** Fraction done (0..1) of the current image. */
export type TransferProgress = (done: number, total: number) => void;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function waitFor(
  client: EngineClient,
  path: string,
  what: string,
  done: (doc: Record<string, unknown> | null) => boolean,
  timeoutMs = 600_000,
): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    let doc: Record<string, unknown> | null;
    try {
      doc = await client.get(path);
    } catch (err) {
      if (err instanceof EngineFault && err.status === 404) doc = null;
      else throw err;
    }
    if (done(doc)) return;
    if (Date.now() > until) throw new Error(`${what}: timed out`);
    await sleep(250);
  }
}

async function startTransfer(
  client: EngineClient,
  diskId: string,
  direction: 'upload' | 'download',
): Promise<{ id: string; url: string }> {
  const t = await client.call('POST', '/imagetransfers', {
    disk: { id: diskId },
    direction,
    format: 'cow',
    inactivity_timeout: 120,
  });
  const id = text(t, 'id') ?? '';
  let url = '';
  await waitFor(client, `/imagetransfers/${id}`, `image transfer for disk ${diskId}`, (d) => {
    const phase = text(d, 'phase') ?? '';
    if (d === null || phase.startsWith('finished_') || phase.startsWith('cancelled'))
      throw new Error(`image transfer for disk ${diskId} ended in phase ${phase || 'gone'}`);
    url = text(d, 'transfer_url') ?? '';
    return phase === 'transferring' && url !== '';
  });
  return { id, url };
}

async function finalize(client: EngineClient, id: string, what: string): Promise<void> {
  await client.call('POST', `/imagetransfers/${id}/finalize`, {});
  let phase = '';
  await waitFor(client, `/imagetransfers/${id}`, what, (d) => {
    // A finished transfer lingers a while, then is gone (404): both mean it ended.
    phase = d === null ? 'gone' : (text(d, 'phase') ?? '');
    return phase === 'gone' || phase.startsWith('finished_') || phase.startsWith('cancelled');
  });
  if (phase !== 'gone' && phase !== 'finished_success')
    throw new Error(`${what}: the engine ended the transfer in phase ${phase}`);
}

async function cancel(client: EngineClient, id: string): Promise<void> {
  await client.call('POST', `/imagetransfers/${id}/cancel`, {}).catch(() => undefined);
}

/** Downloads disk `diskId` as qcow2 (the engine collapses its chain) into `file`. */
export async function downloadDisk(
  client: EngineClient,
  diskId: string,
  file: string,
  progress: TransferProgress,
): Promise<void> {
  const t = await startTransfer(client, diskId, 'download');
  try {
    const res = await fetch(t.url);
    if (!res.ok || res.body === null)
      throw new Error(`download of disk ${diskId}: HTTP ${res.status}`);
    const total = Number(res.headers.get('content-length') ?? '0');
    let done = 0;
    const body = Readable.fromWeb(res.body);
    body.on('data', (c: Buffer) => {
      done += c.length;
      progress(done, total);
    });
    await pipeline(body, createWriteStream(file));
  } catch (err) {
    await cancel(client, t.id);
    throw err;
  }
  await finalize(client, t.id, `download of disk ${diskId}`);
}

/** The first data storage domain of the engine (where imported disks go). */
export async function dataDomainId(client: EngineClient): Promise<string> {
  const sds = await client.list('/storagedomains', 'storage_domain');
  const sd = sds.find((s) => (text(s, 'type') ?? 'data') === 'data') ?? sds[0];
  const id = sd === undefined ? undefined : text(sd, 'id');
  if (id === undefined) throw new Error('the engine has no storage domain to put disks in');
  return id;
}

export interface NewDisk {
  readonly name: string;
  readonly description: string;
  readonly virtualSize: number;
  readonly storageDomainId: string;
}

/** Creates a disk of the image's size and uploads the qcow2 `file` into it; its id. */
export async function uploadDisk(
  client: EngineClient,
  disk: NewDisk,
  file: string,
  progress: TransferProgress,
  created: (diskId: string) => void,
): Promise<string> {
  const size = statSync(file).size;
  const d = await client.call('POST', '/disks', {
    name: disk.name,
    description: disk.description,
    format: 'cow',
    sparse: true,
    provisioned_size: disk.virtualSize,
    initial_size: size,
    storage_domains: { storage_domain: [{ id: disk.storageDomainId }] },
  });
  const diskId = text(d, 'id') ?? '';
  created(diskId);
  await waitFor(client, `/disks/${diskId}`, `disk ${disk.name}`, (x) => {
    const status = text(x, 'status');
    if (x === null || status === 'illegal')
      throw new Error(`disk ${disk.name} is ${status ?? 'gone'}`);
    return status === 'ok';
  });
  const t = await startTransfer(client, diskId, 'upload');
  try {
    let offset = 0;
    const stream = createReadStream(file, { highWaterMark: CHUNK });
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      const res = await fetch(`${t.url}?flush=n`, {
        method: 'PUT',
        headers: {
          'Content-Range': `bytes ${offset}-${offset + chunk.length - 1}/*`,
          'Content-Length': String(chunk.length),
        },
        body: chunk,
      });
      if (!res.ok)
        throw new Error(`upload of ${disk.name}: HTTP ${res.status} ${await res.text()}`);
      offset += chunk.length;
      progress(offset, size);
    }
    const flush = await fetch(t.url, {
      method: 'PATCH',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ op: 'flush' }),
    });
    if (!flush.ok) throw new Error(`upload of ${disk.name}: flush HTTP ${flush.status}`);
  } catch (err) {
    await cancel(client, t.id);
    throw err;
  }
  await finalize(client, t.id, `upload of ${disk.name}`);
  return diskId;
}
