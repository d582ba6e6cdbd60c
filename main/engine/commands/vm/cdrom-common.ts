// SPDX-License-Identifier: Apache-2.0
/**
 * Shared rules of the VM's CD-ROM (issue 16): what may go into it (an ISO disk: content type
 * `iso`, `ok`), who uses an ISO (a VM's persistent CD-ROM, or a running VM's medium), and the
 * CD-ROM as oVirt shows it.
 */
import { eq, or } from 'drizzle-orm';

import type { Conn } from '../../../../db/client';
import { type DiskRow, disksRepo, volumesRepo } from '../../../../db/repos/disks.repo';
import { vm as vmTable } from '../../../../db/schema';
import { CDROM_ID, type VmCdrom } from '../../../contract/cdroms';
import { type Failure, failWith } from '../../validation';

/** The ISO disk `fileId` and its volume path, or why it cannot go into a CD-ROM. */
export function resolveIso(
  c: Conn,
  fileId: string,
): { ok: true; disk: DiskRow; path: string } | { ok: false; failure: Failure } {
  const disk = disksRepo.findRow(c, fileId);
  if (!disk) return { ok: false, failure: failWith('ACTION_TYPE_FAILED_DISK_NOT_EXIST').failure };
  if (disk.contentType !== 'iso')
    return {
      ok: false,
      failure: failWith('ACTION_TYPE_FAILED_CDROM_FILE_NOT_ISO', {
        diskAlias: disk.alias,
        contentType: disk.contentType,
      }).failure,
    };
  if (disk.status === 'locked')
    return {
      ok: false,
      failure: failWith('ACTION_TYPE_FAILED_DISKS_LOCKED', { diskAliases: disk.alias }).failure,
    };
  const top = volumesRepo.active(c, disk.id);
  if (disk.status !== 'ok' || !top)
    return {
      ok: false,
      failure: failWith('ACTION_TYPE_FAILED_DISKS_ILLEGAL', { diskAliases: disk.alias }).failure,
    };
  return { ok: true, disk, path: top.path };
}

/** Names of the VMs whose CD-ROM holds the ISO disk: configured, or in the running VM. */
export function isoUsers(c: Conn, diskId: string): string[] {
  return c
    .select({
      name: vmTable.name,
      status: vmTable.status,
      cdrom: vmTable.cdromDiskId,
      current: vmTable.currentCdromDiskId,
    })
    .from(vmTable)
    .where(or(eq(vmTable.cdromDiskId, diskId), eq(vmTable.currentCdromDiskId, diskId)))
    .all()
    .filter((r) => r.cdrom === diskId || r.status !== 'down')
    .map((r) => r.name);
}

/** The VM's CD-ROM: its configured medium, or (`current`) the running VM's. */
export function vmCdrom(c: Conn, vmId: string, current: boolean): VmCdrom | null {
  const r = c
    .select({
      status: vmTable.status,
      cdrom: vmTable.cdromDiskId,
      current: vmTable.currentCdromDiskId,
    })
    .from(vmTable)
    .where(eq(vmTable.id, vmId))
    .get();
  if (!r) return null;
  const fileId = current ? (r.status === 'down' ? null : r.current) : r.cdrom;
  return { id: CDROM_ID, vmId, fileId };
}

/**
 * The ISO a start puts into the CD-ROM: the run-once one, else the configured one. A
 * configured ISO that went bad since it was inserted is refused like a run-once one.
 */
export function runCdrom(
  c: Conn,
  vmId: string,
  runOnceFileId: string | undefined,
): { ok: true; diskId: string | null; path: string | null } | { ok: false; failure: Failure } {
  const fileId = runOnceFileId ?? vmCdrom(c, vmId, false)?.fileId ?? null;
  if (fileId === null) return { ok: true, diskId: null, path: null };
  const iso = resolveIso(c, fileId);
  return iso.ok ? { ok: true, diskId: iso.disk.id, path: iso.path } : iso;
}
