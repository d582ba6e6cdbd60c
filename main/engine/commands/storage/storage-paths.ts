// SPDX-License-Identifier: Apache-2.0
/**
 * Where volumes live. Every path is computed here from ids the engine generated (never from
 * user input): `<domain path>/<disk id>/<volume id>`, plus a few fixed names inside a disk's
 * directory. Names and paths of user input are only ever compared against these.
 */
import { isAbsolute, join, normalize, relative, sep } from 'node:path';

import type { VolumeFormat } from '../../../../libvirt/host-agent';
import type { DiskFormat } from '../../../contract/disks';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function checkId(id: string): string {
  if (!UUID.test(id)) throw new Error(`not an engine id: ${id}`);
  return id;
}

/** Path of a volume of a disk (both ids are engine UUIDs). */
export function volumePath(domainPath: string, diskId: string, volumeId: string): string {
  return join(domainPath, checkId(diskId), checkId(volumeId));
}

/** Staging file of an upload (the data plane writes it; finalize checks and copies it). */
export function uploadStagingPath(domainPath: string, diskId: string, transferId: string): string {
  return join(domainPath, checkId(diskId), `${checkId(transferId)}.upload`);
}

/** Staging file of a download converted to another format than the disk's. */
export function downloadStagingPath(
  domainPath: string,
  diskId: string,
  transferId: string,
): string {
  return join(domainPath, checkId(diskId), `${checkId(transferId)}.download`);
}

/** The drop folder of a domain: image files put there can be imported (ImportImage). */
export const importDir = (domainPath: string): string => join(domainPath, 'import');

/**
 * Canonical form of a domain path given by a user: absolute, normalized, no trailing
 * separator, no `..` left. Null when not acceptable.
 */
export function canonicalDomainPath(path: string): string | null {
  if (!isAbsolute(path) || path.includes('\0')) return null;
  const n = normalize(path);
  const trimmed = n.length > 1 && n.endsWith(sep) ? n.slice(0, -1) : n;
  if (trimmed === sep) return null;
  return trimmed;
}

/** True when `path` is strictly inside directory `root` (lexically; symlinks checked by callers). */
export function isInside(path: string, root: string): boolean {
  const rel = relative(root, path);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
}

/** oVirt disk format → qemu-img format. */
export const volumeFormatOf = (f: DiskFormat): VolumeFormat => (f === 'cow' ? 'qcow2' : 'raw');
/** qemu-img format → oVirt disk format. */
export const diskFormatOf = (f: VolumeFormat): DiskFormat => (f === 'qcow2' ? 'cow' : 'raw');
