// SPDX-License-Identifier: Apache-2.0
/**
 * The shared execute of every command that creates disks (AddDisk, AddDiskAttachment,
 * AddVm from a template, AddVmTemplate, CloneVm, ImportImage): space check, tx 1 (disks
 * `locked`, intent), then in the background: build the volumes, tx 2 (`ok`).
 */
import type { Tx } from '../../../../db/client';
import type { VolumeInfo } from '../../../../libvirt/host-agent';
import type { EngineContext } from '../../context';
import {
  allocationOfNewDisk,
  buildAll,
  commitNewDisk,
  insertNewDisk,
  type NewDisk,
} from './new-disk';
import { recordIntent, type StorageIntentKind } from './storage-intents';
import { runInBackground, runInline } from './storage-job';
import { ensureSpace } from './storage-space';

export interface CreateDisks {
  readonly command: string;
  readonly kind: StorageIntentKind;
  readonly disks: readonly NewDisk[];
  /** Rows inserted with the disks in tx 1 (VM, template, snapshot…). */
  readonly before?: (tx: Tx) => void;
  /** Extra tx 2 work once every volume exists. */
  readonly after?: (tx: Tx, infos: Map<string, VolumeInfo>) => void;
  readonly vms?: readonly string[];
  readonly templates?: readonly string[];
  readonly description: string;
  readonly auditCode: string;
  readonly vmId?: string | null;
  /** Finish before returning (fast work) instead of in the background. */
  readonly inline?: boolean;
}

/** @throws CommandFailure when out of space (nothing written) or, inline, when the host fails */
export async function createDisks(ctx: EngineContext, spec: CreateDisks): Promise<void> {
  // Out of space is refused before anything is written, per domain.
  const perDomain = new Map<string, { domain: NewDisk['domain']; bytes: number }>();
  for (const d of spec.disks) {
    const e = perDomain.get(d.domain.id) ?? { domain: d.domain, bytes: 0 };
    e.bytes += allocationOfNewDisk(d);
    perDomain.set(d.domain.id, e);
  }
  for (const { domain, bytes } of perDomain.values()) await ensureSpace(ctx, domain, bytes);

  const intent = ctx.database.transaction((tx) => {
    spec.before?.(tx);
    for (const d of spec.disks) insertNewDisk(tx, d);
    return recordIntent(
      tx,
      spec.command,
      spec.kind,
      {
        commit: { disksOk: spec.disks.map((d) => d.diskId) },
        created: spec.disks.map((d) => d.path),
        obsolete: [],
        newDisks: spec.disks.map((d) => d.diskId),
        lockedDisks: [],
        vms: spec.vms ?? [],
        templates: spec.templates ?? [],
      },
      ctx.localHostId,
    );
  });
  for (const d of spec.disks) ctx.events.entity('disk', d.diskId, 'added');
  let infos = new Map<string, VolumeInfo>();
  const job = {
    description: spec.description,
    auditCode: spec.auditCode,
    vmId: spec.vmId ?? null,
    work: async (report: (f: number) => void): Promise<void> => {
      infos = await buildAll(ctx, spec.disks, report);
    },
    commit: (tx: Tx): void => {
      for (const d of spec.disks) {
        const info = infos.get(d.diskId);
        if (info) commitNewDisk(tx, d, info);
      }
      spec.after?.(tx, infos);
    },
  };
  if (spec.inline) await runInline(ctx, intent, job);
  else runInBackground(ctx, intent, job);
}
