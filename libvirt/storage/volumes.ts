// SPDX-License-Identifier: Apache-2.0
/**
 * The volume verbs of the host agent (VDSM's createVolume, copyImage, extendSize, rebase,
 * deleteVolume) over qemu-img: path rules first, then the space check, then the write, always
 * under a `.partial` name that is linked into place when complete.
 */
import { lstat, rm } from 'node:fs/promises';

import { HostError, HostErrorCode } from '../../main/contract/errors';
import type {
  CopyVolumeRequest,
  CreateVolumeRequest,
  VolumeFormat,
  VolumeInfo,
} from '../host-agent';
import { writeAtomically } from './atomic';
import { volumeInfo } from './check-volume';
import { requireVolumeFile } from './paths';
import {
  qemuImgConvert,
  qemuImgCreate,
  qemuImgMeasure,
  qemuImgRebase,
  qemuImgResize,
} from './qemu-img';
import { requireSpace } from './space';
import type { StorageDomains } from './storage-domains';

/** What a new qcow2 overlay takes before the guest writes: header, L1 and refcount tables. */
const OVERLAY_BYTES = 1024 * 1024;

const badRequest = (message: string): HostError =>
  new HostError(HostErrorCode.HOST_COMMAND_FAILED, message);

function requireSize(sizeBytes: number, allowZero: boolean): void {
  if (!Number.isSafeInteger(sizeBytes) || sizeBytes < 0 || (!allowZero && sizeBytes === 0))
    throw badRequest(`invalid volume size ${String(sizeBytes)}`);
}

function requireFormat(format: string): VolumeFormat {
  if (format !== 'qcow2' && format !== 'raw') throw badRequest(`invalid volume format ${format}`);
  return format;
}

/**
 * Format of an existing volume: the one the engine recorded when given (never probed then, so a
 * raw disk whose guest wrote a qcow2 header stays raw), else what qemu-img finds.
 */
async function formatOf(path: string, format: VolumeFormat | undefined): Promise<VolumeFormat> {
  return format ?? (await volumeInfo(path)).format;
}

/** @see HostAgent.createVolume */
export async function createVolume(
  domains: StorageDomains,
  request: CreateVolumeRequest,
): Promise<VolumeInfo> {
  const format = requireFormat(request.format);
  requireSize(request.sizeBytes, request.backing !== undefined);
  const target = await domains.resolve(request.path);
  let backing: { path: string; format: VolumeFormat } | undefined;
  let needed: number;
  if (request.backing !== undefined) {
    if (format !== 'qcow2') throw badRequest('an overlay on a backing volume must be qcow2');
    const resolved = await domains.resolve(request.backing.path);
    await requireVolumeFile(resolved.path);
    backing = { path: resolved.path, format: requireFormat(request.backing.format) };
    // Opens the backing as the stated format: a wrong format fails here, not in the guest.
    await volumeInfo(backing.path, backing.format);
    needed = OVERLAY_BYTES;
  } else if (format === 'raw') {
    // Sparse, but a raw volume can fill its whole virtual size without any further write check.
    needed = request.sizeBytes;
  } else {
    needed = await qemuImgMeasure('qcow2', { sizeBytes: request.sizeBytes });
  }
  await requireSpace(target.domainDir, needed);
  await writeAtomically(target.path, (partial) =>
    qemuImgCreate(partial, format, request.sizeBytes, backing),
  );
  return volumeInfo(target.path, format);
}

/** @see HostAgent.copyVolume */
export async function copyVolume(
  domains: StorageDomains,
  request: CopyVolumeRequest,
): Promise<VolumeInfo> {
  const format = requireFormat(request.format);
  await requireVolumeFile(request.source);
  const source = await volumeInfo(request.source, request.sourceFormat);
  // A probed source must not pull a file outside the storage domains into the copy.
  for (let link = source.backingPath; link !== null;) {
    if (!(await domains.contains(link)))
      throw new HostError(
        HostErrorCode.STORAGE_PATH_INVALID,
        `${request.source} stands on ${link}, which is outside the storage domains`,
      );
    link = (await volumeInfo(link)).backingPath;
  }
  const target = await domains.resolve(request.target);
  const needed = await qemuImgMeasure(format, {
    source: request.source,
    sourceFormat: source.format,
  });
  await requireSpace(target.domainDir, needed);
  await writeAtomically(target.path, (partial) =>
    qemuImgConvert(
      { path: request.source, format: source.format },
      { path: partial, format },
      request.onProgress,
    ),
  );
  return volumeInfo(target.path, format);
}

/** @see HostAgent.resizeVolume */
export async function resizeVolume(
  domains: StorageDomains,
  path: string,
  sizeBytes: number,
  knownFormat?: VolumeFormat,
): Promise<VolumeInfo> {
  requireSize(sizeBytes, false);
  const target = await domains.resolve(path);
  await requireVolumeFile(target.path);
  const format = await formatOf(target.path, knownFormat);
  const before = await volumeInfo(target.path, format);
  if (sizeBytes < before.virtualSize)
    throw badRequest(
      `${path} is ${before.virtualSize} bytes; a volume is never shrunk (asked ${sizeBytes})`,
    );
  if (sizeBytes === before.virtualSize) return before;
  const grow = sizeBytes - before.virtualSize;
  await requireSpace(target.domainDir, format === 'raw' ? grow : OVERLAY_BYTES);
  await qemuImgResize(target.path, format, sizeBytes);
  return volumeInfo(target.path, format);
}

/** @see HostAgent.rebaseVolume */
export async function rebaseVolume(
  domains: StorageDomains,
  path: string,
  backing: { readonly path: string; readonly format: VolumeFormat } | null,
): Promise<VolumeInfo> {
  const target = await domains.resolve(path);
  await requireVolumeFile(target.path);
  const before = await volumeInfo(target.path, 'qcow2');
  let newBacking: { path: string; format: VolumeFormat } | null = null;
  if (backing !== null) {
    const resolved = await domains.resolve(backing.path);
    await requireVolumeFile(resolved.path);
    newBacking = { path: resolved.path, format: requireFormat(backing.format) };
    await volumeInfo(newBacking.path, newBacking.format);
  }
  // Safe mode copies into `path` whatever differs between the old and the new backing: at most
  // what the dropped layers hold, measured as the collapsed chain (an upper bound).
  const needed =
    before.backingPath === null
      ? 0
      : await qemuImgMeasure('qcow2', { source: target.path, sourceFormat: 'qcow2' });
  await requireSpace(target.domainDir, needed);
  await qemuImgRebase(target.path, newBacking);
  return volumeInfo(target.path, 'qcow2');
}

/** @see HostAgent.removeVolume */
export async function removeVolume(domains: StorageDomains, path: string): Promise<void> {
  const target = await domains.resolve(path);
  try {
    const st = await lstat(target.path);
    if (!st.isFile())
      throw new HostError(HostErrorCode.STORAGE_PATH_INVALID, `${path} is not a regular file`);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  await rm(target.path, { force: true });
}
