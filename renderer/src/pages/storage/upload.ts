// SPDX-License-Identifier: Apache-2.0
/**
 * Uploading a local image file from the browser the way oVirt's own clients do: a new disk
 * (AddDisk, sized from the image header) → AddImageTransfer (upload) → wait for phase
 * `transferring` → `PUT <transfer url>` in chunks with `Content-Range` (imageio's HTTP subset;
 * the ticket in the URL is the only credential) → FinalizeImageTransfer → the engine checks
 * the image (`qemu-img info/check`) and the disk becomes `ok`, or the transfer ends in
 * `finished_failure` with the engine's reason. Cancel aborts the request in flight and asks
 * the engine to cancel the transfer.
 *
 * Dependencies are passed in (contract client, PUT, clock) so the sequence is unit-tested
 * without a browser.
 */
import type { Disk } from '../../../../main/contract/disks';
import type { ImageTransfer } from '../../../../main/contract/image-transfers';
import type { OpInput, OpName, OpOutput } from '../../../../main/contract/operations';
import type { ImageKind } from './image-header';

/** imageio clients send 8 MiB requests by default (ovirt_imageio.client BUFFER_SIZE). */
export const CHUNK_BYTES = 8 * 1024 * 1024;

export type UploadPhase =
  | 'creating disk'
  | 'starting transfer'
  | 'transferring'
  | 'finalizing'
  | 'done'
  | 'failed'
  | 'cancelled';

export interface UploadProgress {
  readonly phase: UploadPhase;
  /** Bytes of the file acknowledged by the data plane or in flight (XHR upload progress). */
  readonly sent: number;
  readonly total: number;
  /** Bytes per second since the first byte went out. */
  readonly rate: number;
}

export interface UploadDeps {
  invoke<K extends OpName>(op: K, input: OpInput<K>): Promise<OpOutput<K>>;
  /** PUTs `body` at `offset`; reports bytes of this request sent so far. */
  put(
    url: string,
    body: Blob,
    offset: number,
    flush: boolean,
    onSent: (bytes: number) => void,
    signal: AbortSignal,
  ): Promise<void>;
  sleep(ms: number): Promise<void>;
  now(): number;
}

export interface UploadRequest {
  readonly file: Blob;
  readonly kind: Extract<ImageKind, { format: 'qcow2' | 'raw' }>;
  /** `iso` for an ISO 9660 image (issue 16); default `data`. */
  readonly contentType?: 'data' | 'iso';
  readonly name: string;
  readonly description?: string;
  readonly storageDomainId: string;
  /** The transfer URL of a ticket (`<engine>/images/<ticket>`). */
  readonly transferUrl: (ticket: string) => string;
  readonly onProgress: (p: UploadProgress) => void;
  /** Called once the disk exists, so the caller can show or clean it up. */
  readonly onDisk?: (disk: Disk) => void;
  readonly signal: AbortSignal;
  readonly chunkBytes?: number;
  /** Give up waiting for a phase or a disk status after this long. */
  readonly waitMs?: number;
}

export class UploadCancelled extends Error {
  constructor() {
    super('The upload was cancelled.');
    this.name = 'UploadCancelled';
  }
}

/** The engine refused the image (finalize failed): its words, as they are. */
export class UploadRefused extends Error {
  constructor(detail: string) {
    super(detail);
    this.name = 'UploadRefused';
  }
}

const POLL_MS = 250;
const FAILED_PHASES = new Set([
  'cancelled',
  'cancelled_system',
  'cancelled_user',
  'finished_failure',
  'finished_cleanup',
  'finalizing_failure',
  'finalizing_cleanup',
]);

/** Runs the whole upload; resolves with the `ok` disk. */
export async function uploadImage(deps: UploadDeps, req: UploadRequest): Promise<Disk> {
  const total = req.file.size;
  const chunk = req.chunkBytes ?? CHUNK_BYTES;
  const waitMs = req.waitMs ?? 10 * 60_000;
  let sent = 0;
  let firstByteAt: number | null = null;
  // The rate is the wire's: checking the image after the last byte does not slow it down.
  let lastByteAt: number | null = null;
  const report = (phase: UploadPhase): void => {
    const seconds = firstByteAt === null ? 0 : ((lastByteAt ?? deps.now()) - firstByteAt) / 1000;
    req.onProgress({ phase, sent, total, rate: seconds > 0 ? sent / seconds : 0 });
  };
  const checkCancel = (): void => {
    if (req.signal.aborted) throw new UploadCancelled();
  };
  const until = async <T>(
    what: string,
    read: () => Promise<T>,
    done: (v: T) => boolean,
    fail: (v: T) => string | null,
  ): Promise<T> => {
    const deadline = deps.now() + waitMs;
    for (;;) {
      checkCancel();
      const v = await read();
      const why = fail(v);
      if (why !== null) throw new UploadRefused(why);
      if (done(v)) return v;
      if (deps.now() > deadline) throw new Error(`Timed out waiting for ${what}.`);
      await deps.sleep(POLL_MS);
    }
  };
  const diskReady = (id: string): Promise<Disk> =>
    until(
      'the disk',
      () => deps.invoke('GetDiskById', { id }),
      (d) => d.status === 'ok',
      (d) =>
        d.status === 'illegal' ? (d.statusDetail ?? 'The engine marked the disk illegal.') : null,
    );

  report('creating disk');
  const cow = req.kind.format === 'qcow2';
  const disk = await deps.invoke('AddDisk', {
    name: req.name,
    ...(req.description ? { description: req.description } : {}),
    format: cow ? 'cow' : 'raw',
    sparse: cow,
    provisionedSize: req.kind.virtualSize,
    // oVirt's upload examples pass the qcow2 file size so block storage allocates enough.
    ...(cow ? { initialSize: total } : {}),
    storageDomain: { id: req.storageDomainId },
    // Issue 16: an ISO image becomes an ISO disk, for VMs' CD-ROMs.
    contentType: req.contentType ?? 'data',
  });
  req.onDisk?.(disk);
  await diskReady(disk.id);

  report('starting transfer');
  checkCancel();
  let transfer: ImageTransfer = await deps.invoke('AddImageTransfer', {
    disk: { id: disk.id },
    direction: 'upload',
    format: cow ? 'cow' : 'raw',
  });
  try {
    transfer = await until(
      'the transfer to start',
      () => deps.invoke('GetImageTransferById', { id: transfer.id }),
      (t) => t.phase === 'transferring',
      (t) =>
        FAILED_PHASES.has(t.phase) ? (t.message ?? `The transfer ended (${t.phase}).`) : null,
    );
    const url = req.transferUrl(transfer.ticket);
    firstByteAt = deps.now();
    report('transferring');
    for (let offset = 0; offset < total; offset += chunk) {
      checkCancel();
      const end = Math.min(total, offset + chunk);
      await deps.put(
        url,
        req.file.slice(offset, end),
        offset,
        end === total,
        (bytes) => {
          sent = offset + bytes;
          report('transferring');
        },
        req.signal,
      );
      sent = end;
      report('transferring');
    }
    lastByteAt = deps.now();
    checkCancel();
  } catch (e) {
    // Whatever stopped us, the engine must not keep a half-written transfer open.
    await deps.invoke('CancelImageTransfer', { id: transfer.id }).catch(() => undefined);
    if (req.signal.aborted) throw new UploadCancelled();
    throw e;
  }

  report('finalizing');
  await deps.invoke('FinalizeImageTransfer', { id: transfer.id });
  await until(
    'the engine to check the image',
    () => deps.invoke('GetImageTransferById', { id: transfer.id }),
    (t) => t.phase === 'finished_success',
    (t) =>
      FAILED_PHASES.has(t.phase)
        ? (t.message ?? 'The engine refused the image (finalize failed).')
        : null,
  );
  const ready = await diskReady(disk.id);
  report('done');
  return ready;
}

/** The browser's PUT: XHR, because fetch cannot report upload progress. */
export function xhrPut(
  url: string,
  body: Blob,
  offset: number,
  flush: boolean,
  onSent: (bytes: number) => void,
  signal: AbortSignal,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('PUT', `${url}?flush=${flush ? 'y' : 'n'}`);
    xhr.setRequestHeader('Content-Range', `bytes ${offset}-${offset + body.size - 1}/*`);
    xhr.setRequestHeader('Content-Type', 'application/octet-stream');
    xhr.upload.onprogress = (e) => {
      onSent(e.loaded);
    };
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) resolve();
      else {
        const text = xhr.responseText.trim();
        reject(new Error(`The image server answered ${xhr.status}${text ? `: ${text}` : ''}.`));
      }
    };
    xhr.onerror = () => {
      reject(new Error('The upload connection failed.'));
    };
    xhr.onabort = () => {
      reject(new UploadCancelled());
    };
    const abort = (): void => {
      xhr.abort();
    };
    if (signal.aborted) {
      reject(new UploadCancelled());
      return;
    }
    signal.addEventListener('abort', abort, { once: true });
    xhr.onloadend = () => {
      signal.removeEventListener('abort', abort);
    };
    xhr.send(body);
  });
}
