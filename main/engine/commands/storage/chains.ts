// SPDX-License-Identifier: Apache-2.0
/** Volume chains: from a disk's active volume down to its base (possibly a template's). */
import type { Conn } from '../../../../db/client';
import { type VolumeRow, volumesRepo } from '../../../../db/repos/disks.repo';

/** Top (active) first, base last. */
export function chainOf(c: Conn, diskId: string): VolumeRow[] {
  const out: VolumeRow[] = [];
  let v = volumesRepo.active(c, diskId);
  const seen = new Set<string>();
  while (v && !seen.has(v.id)) {
    seen.add(v.id);
    out.push(v);
    v = v.parentId === null ? null : volumesRepo.findById(c, v.parentId);
  }
  return out;
}

/** What a collapsed copy of the disk may allocate: the chain's allocation, at most its size. */
export function copyAllocation(c: Conn, diskId: string, virtualSize: number): number {
  const used = chainOf(c, diskId).reduce((n, v) => n + v.actualSize, 0);
  return Math.min(Math.max(used, 1), virtualSize);
}
