// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from 'vitest';

import type { Disk } from '../../../../main/contract/disks';
import type { ImageTransfer } from '../../../../main/contract/image-transfers';
import type { OpInput, OpName, OpOutput } from '../../../../main/contract/operations';
import { UploadCancelled, type UploadDeps, uploadImage, type UploadProgress } from './upload';

const MiB = 1024 * 1024;

/** A scripted engine: records calls, walks disk/transfer through their states. */
function fakeEngine(opts: { refuse?: string; cancelAfterPuts?: number } = {}) {
  const calls: string[] = [];
  const puts: { url: string; offset: number; size: number; flush: boolean }[] = [];
  let disk = { id: 'd1', status: 'locked', statusDetail: null } as unknown as Disk;
  let transfer = { id: 't1', ticket: 'tk', phase: 'initializing', message: null } as ImageTransfer;
  let reads = 0;
  const controller = new AbortController();
  const deps: UploadDeps = {
    invoke: <K extends OpName>(op: K, input: OpInput<K>): Promise<OpOutput<K>> => {
      calls.push(`${op} ${JSON.stringify(input)}`);
      const out = (v: unknown): Promise<OpOutput<K>> => Promise.resolve(v as OpOutput<K>);
      switch (op) {
        case 'AddDisk':
          return out(disk);
        case 'GetDiskById':
          // Locked on the first read, then ok (or illegal after a refused finalize).
          if (++reads > 1 && disk.status === 'locked') disk = { ...disk, status: 'ok' };
          return out(disk);
        case 'AddImageTransfer':
          return out(transfer);
        case 'GetImageTransferById':
          if (transfer.phase === 'initializing') transfer = { ...transfer, phase: 'transferring' };
          else if (transfer.phase === 'finalizing_success') {
            transfer = opts.refuse
              ? { ...transfer, phase: 'finished_failure', message: opts.refuse }
              : { ...transfer, phase: 'finished_success' };
          }
          return out(transfer);
        case 'FinalizeImageTransfer':
          transfer = { ...transfer, phase: 'finalizing_success' };
          return out(transfer);
        case 'CancelImageTransfer':
          transfer = { ...transfer, phase: 'cancelled_user' };
          return out(transfer);
        default:
          return Promise.reject(new Error(`unexpected ${op}`));
      }
    },
    put: (url, body, offset, flush, onSent) => {
      puts.push({ url, offset, size: body.size, flush });
      onSent(body.size / 2);
      onSent(body.size);
      if (opts.cancelAfterPuts === puts.length) controller.abort();
      return Promise.resolve();
    },
    sleep: () => Promise.resolve(),
    now: (() => {
      let t = 0;
      return () => (t += 100);
    })(),
  };
  return { deps, calls, puts, controller };
}

const file = new Blob([new Uint8Array(20 * MiB + 5)]);
const request = (controller: AbortController, progress: UploadProgress[]) => ({
  file,
  kind: { format: 'qcow2' as const, virtualSize: 64 * MiB, version: 3 },
  name: 'img',
  storageDomainId: 'sd',
  transferUrl: (t: string) => `/images/${t}`,
  onProgress: (p: UploadProgress) => progress.push(p),
  signal: controller.signal,
});

describe('uploadImage', () => {
  it('creates a disk of the virtual size, PUTs 8 MiB chunks at their offsets, finalizes', async () => {
    const e = fakeEngine();
    const progress: UploadProgress[] = [];
    const disk = await uploadImage(e.deps, request(e.controller, progress));
    expect(disk.status).toBe('ok');
    expect(e.calls[0]).toContain('"provisionedSize":67108864');
    expect(e.calls[0]).toContain('"format":"cow"');
    expect(e.puts).toEqual([
      { url: '/images/tk', offset: 0, size: 8 * MiB, flush: false },
      { url: '/images/tk', offset: 8 * MiB, size: 8 * MiB, flush: false },
      { url: '/images/tk', offset: 16 * MiB, size: 4 * MiB + 5, flush: true },
    ]);
    expect(e.calls.some((c) => c.startsWith('FinalizeImageTransfer'))).toBe(true);
    const sent = progress.filter((p) => p.phase === 'transferring').map((p) => p.sent);
    expect(sent).toContain(12 * MiB); // half of the second chunk: progress within a request
    expect(sent.every((v, i) => i === 0 || v >= (sent[i - 1] ?? 0))).toBe(true);
    expect(progress.at(-1)).toMatchObject({ phase: 'done', sent: file.size });
    expect(progress.at(-1)?.rate).toBeGreaterThan(0);
    // Finalizing and checking after the last byte do not lower the rate shown.
    const lastSent = progress.filter((p) => p.phase === 'transferring').at(-1)?.rate ?? 0;
    expect(progress.at(-1)?.rate).toBeLessThanOrEqual(lastSent * 1.5);
    expect(progress.at(-1)?.rate).toBeGreaterThan(lastSent / 2);
  });

  it("surfaces the engine's reason when it refuses the image", async () => {
    const e = fakeEngine({ refuse: 'qemu-img check: image is corrupt' });
    await expect(uploadImage(e.deps, request(e.controller, []))).rejects.toThrow(
      'qemu-img check: image is corrupt',
    );
  });

  it('cancels the transfer on the engine when the user cancels', async () => {
    const e = fakeEngine({ cancelAfterPuts: 1 });
    await expect(uploadImage(e.deps, request(e.controller, []))).rejects.toBeInstanceOf(
      UploadCancelled,
    );
    expect(e.puts).toHaveLength(1);
    expect(e.calls.some((c) => c.startsWith('CancelImageTransfer'))).toBe(true);
    expect(e.calls.some((c) => c.startsWith('FinalizeImageTransfer'))).toBe(false);
  });
});
