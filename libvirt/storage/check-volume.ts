// SPDX-License-Identifier: Apache-2.0
/**
 * Volume facts and the check a volume passes before the engine calls it `ok` (an upload, an
 * import, a finished copy). Uploaded images are untrusted: their real format is probed and must
 * be the expected one; a qcow2 must pass `qemu-img check` and must not end before its own
 * metadata says it does (truncated upload); a backing file or an external data file inside an
 * image would make QEMU open a path of the uploader's choosing, so both are refused unless the
 * caller allows a backing file (its own overlays) and it lies in a storage domain.
 */
import { stat } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';

import { HostError, HostErrorCode } from '../../main/contract/errors';
import type { VolumeFormat, VolumeInfo } from '../host-agent';
import { requireVolumeFile } from './paths';
import { qemuImgCheck, type QemuImgInfo, qemuImgInfo } from './qemu-img';

const corrupt = (message: string, detail = ''): HostError =>
  new HostError(HostErrorCode.VOLUME_CORRUPT, message, detail);

function volumeFormat(path: string, format: string): VolumeFormat {
  if (format === 'qcow2' || format === 'raw') return format;
  throw corrupt(`${path} is a ${format} image; only qcow2 and raw volumes are supported`);
}

function backingPath(path: string, info: QemuImgInfo): string | null {
  const full = info['full-backing-filename'] ?? info['backing-filename'];
  if (full === undefined || full === '') return null;
  return isAbsolute(full) ? full : resolve(dirname(path), full);
}

async function toVolumeInfo(path: string, info: QemuImgInfo): Promise<VolumeInfo> {
  const st = await stat(path);
  return {
    path,
    format: volumeFormat(path, info.format),
    virtualSize: info['virtual-size'],
    // st.blocks is in 512-byte units whatever the file system's block size: what is allocated.
    actualSize: info['actual-size'] ?? st.blocks * 512,
    backingPath: backingPath(path, info),
  };
}

/**
 * What qemu-img says of a volume of known format. `-U` because the volume may be in use by a
 * running domain. @throws VOLUME_NOT_FOUND, VOLUME_CORRUPT (unreadable as that format)
 */
export async function volumeInfo(path: string, format?: VolumeFormat): Promise<VolumeInfo> {
  await requireVolumeFile(path);
  let info: QemuImgInfo;
  try {
    info = await qemuImgInfo(path, { forceShare: true, ...(format ? { format } : {}) });
  } catch (error) {
    if (error instanceof HostError && error.code === HostErrorCode.HOST_COMMAND_FAILED)
      throw corrupt(`${path} cannot be read as a volume`, error.detail);
    throw error;
  }
  return toVolumeInfo(path, info);
}

/**
 * The checks described at the top of this file. `isAllowedBacking` decides whether a backing
 * path is acceptable (inside a storage domain); it is only asked when `allowBacking` is set.
 * @throws VOLUME_CORRUPT, VOLUME_NOT_FOUND
 */
export async function checkVolume(
  path: string,
  expected: VolumeFormat,
  options: { readonly allowBacking?: boolean },
  isAllowedBacking: (backing: string) => Promise<boolean>,
): Promise<VolumeInfo> {
  await requireVolumeFile(path);
  // Probe (no -f): what the file really is, whatever it was announced as.
  let probed: QemuImgInfo;
  try {
    probed = await qemuImgInfo(path);
  } catch (error) {
    if (error instanceof HostError && error.code === HostErrorCode.HOST_COMMAND_FAILED)
      throw corrupt(`${path} is not a readable image`, error.detail);
    throw error;
  }
  if (probed.format !== expected)
    throw corrupt(`${path} is a ${probed.format} image, not ${expected}`);
  const specific = probed['format-specific']?.data;
  if (specific?.['data-file'] !== undefined)
    throw corrupt(`${path} names an external data file; refused`);
  if (specific?.encrypt !== undefined) throw corrupt(`${path} is encrypted; refused`);
  if (specific?.corrupt === true) throw corrupt(`${path} is marked corrupt`);
  const info = await toVolumeInfo(path, probed);
  if (info.backingPath !== null) {
    if (!options.allowBacking) throw corrupt(`${path} has a backing file; refused`);
    if (!(await isAllowedBacking(info.backingPath)))
      throw corrupt(`${path} has a backing file outside the storage domains: ${info.backingPath}`);
  }
  if (expected === 'qcow2') {
    const report = await qemuImgCheck(path);
    // 0 clean, 3 = leaked clusters only (wasted space, data intact); anything else is damage.
    if (report.exitCode !== 0 && report.exitCode !== 3) {
      throw corrupt(
        `${path} failed qemu-img check (${report.corruptions ?? 0} corruptions, ` +
          `${report['check-errors'] ?? 0} errors)`,
        JSON.stringify(report),
      );
    }
    // A truncated upload shows up here as references past the end of the file ("counting
    // reference for region exceeding the end of the file"). image-end-offset is no measure of it:
    // a fresh image's refcount block may lie past the end of a file that is perfectly sound.
  } else if (info.virtualSize % 512 !== 0) {
    // A raw upload cut short mid-sector; one cut on a sector boundary needs the expected size.
    throw corrupt(`${path} is ${info.virtualSize} bytes, not a whole number of sectors`);
  }
  return info;
}
