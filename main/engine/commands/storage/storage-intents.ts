// SPDX-License-Identifier: Apache-2.0
/**
 * Intents of storage commands and their compensation, one code path for an in-process
 * failure and for start-up after a crash. A storage command:
 *   tx 1: intent (this payload) + entities `locked` (new disks/volumes inserted `locked`)
 *   host: create/copy/rebase files (atomic: `.partial` then rename, in the host layer)
 *   tx 2: the result (the `commit` condition becomes true)
 *   host: delete files the result made obsolete
 *   tx 3: intent deleted.
 * Recovery asks whether tx 2 happened (`commit`): yes → roll forward (delete obsolete files,
 * unlock); no → roll back (delete created files; disks being created become `illegal`, never
 * silently `ok`). Each command has its own `kind` so events and the generic recovery registry
 * (main/engine/recoveries.ts, when merged) can tell them apart.
 */
import { randomUUID } from 'node:crypto';

import { disksRepo, volumesRepo } from '../../../../db/repos/disks.repo';
import { intentsRepo } from '../../../../db/repos/intents.repo';
import { nowIso } from '../../../../db/repos/rows';
import { snapshotsRepo } from '../../../../db/repos/snapshots.repo';
import { auditRepo } from '../../../../db/repos/users.repo';
import { templatesRepo, vmsRepo } from '../../../../db/repos/vms.repo';
import type { EngineServices } from '../../context';

/** Recovery kinds of storage commands (`command_intent.kind`). */
export const STORAGE_INTENT_KINDS = [
  'disk-create',
  'disk-copy',
  'disk-extend',
  'disk-remove',
  'template-create',
  'template-remove',
  'vm-disks-create',
  'vm-remove-disks',
  'snapshot-create',
  'snapshot-remove',
  'snapshot-restore',
  'image-transfer',
] as const;
export type StorageIntentKind = (typeof STORAGE_INTENT_KINDS)[number];

/** When is the command's database result (tx 2) there? */
export type CommitCondition =
  | { readonly volumeExists: string }
  | { readonly volumeGone: string }
  | { readonly diskGone: string }
  | { readonly disksOk: readonly string[] }
  /** The host change is in place; recovery re-reads the host (extend). */
  | { readonly never: true };

export interface StorageIntentPayload {
  readonly commit: CommitCondition;
  /** Files this command creates: deleted on roll back. */
  readonly created: readonly string[];
  /** Files made obsolete by the result: deleted on roll forward. */
  readonly obsolete: readonly string[];
  /** Disks being created: `illegal` on roll back. */
  readonly newDisks: readonly string[];
  /** Existing disks the command locked: back to `ok` either way (sizes re-read if listed in `refresh`). */
  readonly lockedDisks: readonly string[];
  /** Disks whose active volume's size is re-read from the host on recovery. */
  readonly refresh?: readonly string[];
  /** Snapshots created by the command: deleted on roll back. */
  readonly newSnapshots?: readonly string[];
  /** Snapshots locked by the command: back to `ok`. */
  readonly lockedSnapshots?: readonly string[];
  /** Volumes whose parent is re-read from the host on roll back (in-place rebase). */
  readonly reparent?: readonly string[];
  /** VMs set `image_locked`: back to `down`. */
  readonly vms: readonly string[];
  /** Templates set `locked`: `ok`, or `illegal` when one of their disks is. */
  readonly templates: readonly string[];
  /** Image transfers: the transfer this intent belongs to, and an upload's future volume. */
  readonly transferId?: string;
  readonly uploadVolumeId?: string;
}

export interface StorageIntent {
  readonly id: string;
  readonly kind: StorageIntentKind;
  readonly payload: StorageIntentPayload;
}

type Tx = Parameters<Parameters<EngineServices['database']['transaction']>[0]>[0];

/** Record the intent inside the caller's tx 1. */
export function recordIntent(
  tx: Tx,
  command: string,
  kind: StorageIntentKind,
  payload: StorageIntentPayload,
  hostId: string,
): StorageIntent {
  const id = randomUUID();
  intentsRepo.insert(tx, {
    id,
    command,
    kind,
    payload: payload as unknown as Record<string, unknown>,
    hostId,
    snapshot: [],
    hostNetworks: [],
  });
  return { id, kind, payload };
}

function committed(services: EngineServices, c: CommitCondition): boolean {
  const db = services.database.db;
  if ('volumeExists' in c) return volumesRepo.findById(db, c.volumeExists) !== null;
  if ('volumeGone' in c) return volumesRepo.findById(db, c.volumeGone) === null;
  if ('diskGone' in c) return disksRepo.findRow(db, c.diskGone) === null;
  if ('disksOk' in c) return c.disksOk.every((id) => disksRepo.findRow(db, id)?.status === 'ok');
  return false;
}

async function removeFiles(services: EngineServices, paths: readonly string[]): Promise<void> {
  for (const p of paths) await services.host.removeVolume(p);
}

/**
 * Finish or undo an interrupted/failed storage command, then delete its intent.
 * @returns 'forward' or 'back'
 * @throws host errors (the intent then stays, for the next start)
 */
export async function settleIntent(
  services: EngineServices,
  intent: StorageIntent,
  reason: string,
): Promise<'forward' | 'back'> {
  const p = intent.payload;
  const forward = committed(services, p.commit);
  await removeFiles(services, forward ? p.obsolete : p.created);
  const sizes = new Map<
    string,
    { virtualSize: number; actualSize: number; backing: string | null }
  >();
  for (const diskId of [...(p.refresh ?? []), ...(forward ? [] : (p.reparent ?? []))]) {
    const v =
      volumesRepo.active(services.database.db, diskId) ??
      volumesRepo.findById(services.database.db, diskId);
    if (!v) continue;
    const info = await services.host.volumeInfo(v.path).catch(() => null);
    if (info)
      sizes.set(v.id, {
        virtualSize: info.virtualSize,
        actualSize: info.actualSize,
        backing: info.backingPath,
      });
  }
  const db = services.database;
  db.transaction((tx) => {
    if (!forward) {
      for (const id of p.newDisks) {
        if (disksRepo.findRow(tx, id))
          disksRepo.update(tx, id, { status: 'illegal', statusDetail: reason });
        for (const v of volumesRepo.listByDisk(tx, id))
          volumesRepo.update(tx, v.id, { status: 'illegal' });
      }
      for (const id of p.newSnapshots ?? []) snapshotsRepo.delete(tx, id);
      for (const volId of p.reparent ?? []) {
        const s = sizes.get(volId);
        if (!s) continue;
        const parent = s.backing === null ? null : volumesRepo.findByPath(tx, s.backing);
        volumesRepo.update(tx, volId, { parentId: parent?.id ?? null });
      }
    }
    for (const id of p.lockedDisks) {
      const d = disksRepo.findRow(tx, id);
      if (d?.status === 'locked') disksRepo.update(tx, id, { status: 'ok' });
    }
    for (const diskId of p.refresh ?? []) {
      const v = volumesRepo.active(tx, diskId);
      const s = v ? sizes.get(v.id) : undefined;
      if (!v || !s) continue;
      volumesRepo.update(tx, v.id, { virtualSize: s.virtualSize, actualSize: s.actualSize });
      disksRepo.update(tx, diskId, { provisionedSize: s.virtualSize, actualSize: s.actualSize });
    }
    for (const id of p.lockedSnapshots ?? []) {
      const s = snapshotsRepo.findRow(tx, id);
      if (s?.status === 'locked') snapshotsRepo.update(tx, id, { status: 'ok' });
    }
    for (const id of p.vms) {
      const vm = vmsRepo.findById(tx, id);
      if (vm?.status === 'image_locked') vmsRepo.update(tx, id, { status: 'down' });
    }
    for (const id of p.templates) {
      const t = templatesRepo.findById(tx, id);
      if (!t || t.status !== 'locked') continue;
      const illegal = p.newDisks.some((d) => disksRepo.findRow(tx, d)?.status === 'illegal');
      templatesRepo.update(tx, id, { status: forward && !illegal ? 'ok' : 'illegal' });
    }
    intentsRepo.delete(tx, intent.id);
  });
  return forward ? 'forward' : 'back';
}

/** An audit-log entry for background work (the runner audits only what returns to the caller). */
export function auditStorage(
  services: EngineServices,
  code: string,
  severity: 'normal' | 'warning' | 'error',
  description: string,
  vmId: string | null = null,
): void {
  try {
    const event = auditRepo.insert(services.database.db, {
      time: nowIso(),
      severity,
      code,
      description,
      user: 'SYSTEM',
      correlationId: null,
      dataCenterId: null,
      clusterId: null,
      hostId: services.localHostId,
      networkId: null,
      vmId,
    });
    services.events.publish({ type: 'audit', event });
  } catch {
    // The audit log must never turn finished work into a failure.
  }
}

/**
 * Start-up: settle every storage intent a crash left (before the generic recovery, which
 * would otherwise only restore their empty snapshot). Failures are reported as events and
 * leave the intent for the next start; the engine keeps serving.
 */
export async function recoverStorageIntents(services: EngineServices): Promise<number> {
  let n = 0;
  for (const r of intentsRepo.list(services.database.db)) {
    if (!(STORAGE_INTENT_KINDS as readonly string[]).includes(r.kind)) continue;
    const intent: StorageIntent = {
      id: r.id,
      kind: r.kind as StorageIntentKind,
      payload: r.payload as unknown as StorageIntentPayload,
    };
    try {
      const way = await settleIntent(
        services,
        intent,
        `interrupted by an engine restart (${r.command})`,
      );
      auditStorage(
        services,
        'STORAGE_COMMAND_RECOVERED',
        'warning',
        `${r.command} was interrupted; recovered at start-up (${way === 'forward' ? 'completed' : 'undone'}).`,
      );
      n++;
    } catch (e) {
      auditStorage(
        services,
        'STORAGE_COMMAND_RECOVERY_FAILED',
        'error',
        `${r.command} was interrupted and could not be recovered: ${e instanceof Error ? e.message : String(e)}`,
      );
    }
  }
  return n;
}

/** Publish entity changes for everything a payload touched. */
export function publishTouched(services: EngineServices, p: StorageIntentPayload): void {
  for (const id of [...p.newDisks, ...p.lockedDisks]) services.events.entity('disk', id, 'updated');
  for (const id of p.vms) services.events.entity('vm', id, 'updated');
  for (const id of p.templates) services.events.entity('template', id, 'updated');
  for (const id of [...(p.newSnapshots ?? []), ...(p.lockedSnapshots ?? [])])
    services.events.entity('snapshot', id, 'updated');
}

/**
 * The same settlement in the shape of the generic recovery registry (main/engine/recoveries.ts
 * on branch recovery): register it for every kind of {@link STORAGE_INTENT_KINDS}.
 */
export async function storageRecovery(
  services: EngineServices,
  intent: {
    readonly id: string;
    readonly kind: string;
    readonly command: string;
    readonly payload: Record<string, unknown>;
  },
): Promise<void> {
  await settleIntent(
    services,
    {
      id: intent.id,
      kind: intent.kind as StorageIntentKind,
      payload: intent.payload as unknown as StorageIntentPayload,
    },
    `interrupted by an engine restart (${intent.command})`,
  );
}
