// SPDX-License-Identifier: Apache-2.0
/**
 * StartLab: starts the lab's down VMs in waves bounded by what the host can carry — at most
 * `parallelism` booting at once (default: the host's CPU count), never more memory than the
 * host has available now (less a reserve) — honouring the start order (groups, depends_on,
 * delays). An order given with the start (the lab file's, from `aio lab`) becomes the lab's
 * stored order (lab_vm); a start without one (the Labs page's "Start all") uses the stored
 * one. Answers at once with the job; the waves run in the background ({@link launchStart}),
 * each VM through RunVm. One start per lab at a time.
 *
 * The host facts are this machine's (`os`): an All-in-One engine runs on its only host.
 */
import { availableParallelism, freemem } from 'node:os';

import { labsRepo } from '../../../../db/repos/labs.repo';
import { vmsRepo } from '../../../../db/repos/vms.repo';
import { defineCommand } from '../../command';
import { failWith, invalid, notFound, valid } from '../../validation';
import { labLock } from './lab-rules';
import { launchStart, runningStart, type StartPlan } from './lab-start-job';
import { cycleIn, startOrderFailure } from './lab-start-order';
import type { WaveVm } from './waves';

/** Memory left to the host itself (engine, libvirtd, QEMU overhead per guest). */
export const HOST_MEMORY_RESERVE_BYTES = 512 * 1024 * 1024;
const DEFAULT_BOOT_TIMEOUT_S = 600;
/** What a TCG QEMU process takes beyond the guest's memory (code cache, device model). */
export const QEMU_OVERHEAD_BYTES = 96 * 1024 * 1024;

export const StartLabCommand = defineCommand<'StartLab', StartPlan>({
  action: 'start',
  type: 'Lab',
  auditCode: 'USER_START_LAB',
  locks: (_ctx, input) => [labLock(input.id)],
  validate: (ctx, input) => {
    const c = ctx.database.db;
    const lab = labsRepo.findById(c, input.id);
    if (!lab) throw notFound('lab', input.id);
    const busy = runningStart(ctx, lab.id);
    if (busy !== null) {
      const left = busy.vms.filter((v) => !['up', 'failed', 'skipped'].includes(v.state)).length;
      return invalid(
        failWith('ACTION_TYPE_FAILED_LAB_START_RUNNING', {
          labName: lab.name,
          detail: `${left} VM(s) not answering yet`,
        }).failure,
      );
    }
    const stored = labsRepo.startOrders(c, lab.id);
    const order = new Map(
      (
        input.order ??
        [...stored].map(([vmId, o]) => ({
          vmId,
          group: o.group,
          dependsOn: o.dependsOn.filter((d) => lab.vmIds.includes(d)),
          delaySeconds: o.delaySeconds,
        }))
      ).map((o) => [o.vmId, o]),
    );
    if (input.order !== undefined) {
      const f = startOrderFailure(lab, input.order, (id) => vmsRepo.findById(c, id)?.name ?? id);
      if (f) return invalid(f);
    }
    const labVms = lab.vmIds.flatMap((id) => {
      const vm = vmsRepo.findById(c, id);
      return vm ? [vm] : [];
    });
    const down = new Set(labVms.filter((v) => v.status === 'down').map((v) => v.id));
    // File order when given, then the rest by name; without a file the stored order's groups,
    // then names (the waves decide what starts when; this is the listing order).
    const ordered =
      input.order !== undefined
        ? [
            ...input.order.flatMap((o) => labVms.filter((v) => v.id === o.vmId)),
            ...labVms.filter((v) => !order.has(v.id)).sort((a, b) => a.name.localeCompare(b.name)),
          ]
        : [...labVms].sort(
            (a, b) =>
              (order.get(a.id)?.group ?? 0) - (order.get(b.id)?.group ?? 0) ||
              a.name.localeCompare(b.name),
          );
    const vms: WaveVm[] = ordered
      .filter((v) => down.has(v.id))
      .map((v) => {
        const o = order.get(v.id);
        return {
          id: v.id,
          name: v.name,
          memoryBytes: v.memoryBytes + QEMU_OVERHEAD_BYTES,
          group: o?.group ?? 0,
          // A dependency already running counts as answered: only down ones are waited for.
          dependsOn: (o?.dependsOn ?? []).filter((d) => down.has(d)),
          delayMs: (o?.delaySeconds ?? 0) * 1000,
        };
      });
    // The stored order was checked when it was stored; members removed since are dropped.
    const loop = cycleIn(vms);
    if (loop !== null)
      return invalid(
        failWith('ACTION_TYPE_FAILED_LAB_START_ORDER_INVALID', {
          detail: `depends_on loops through VM ${vms.find((v) => v.id === loop)?.name ?? loop}`,
        }).failure,
      );
    return valid({
      labId: lab.id,
      labName: lab.name,
      vms,
      parallelism: input.parallelism ?? availableParallelism(),
      memoryBudgetBytes: Math.max(0, freemem() - HOST_MEMORY_RESERVE_BYTES),
      stopOnFailure: input.stopOnFailure ?? false,
      bootTimeoutMs: (input.bootTimeoutSeconds ?? DEFAULT_BOOT_TIMEOUT_S) * 1000,
    });
  },
  execute: (ctx, input, plan) => {
    // The order the start was given is the lab's from now on (one short transaction).
    if (input.order !== undefined) {
      const given = input.order;
      ctx.database.transaction((tx) => {
        for (const o of given)
          labsRepo.setStartOrder(tx, o.vmId, {
            group: o.group ?? 0,
            dependsOn: o.dependsOn ?? [],
            delaySeconds: o.delaySeconds ?? 0,
          });
      });
    }
    return Promise.resolve(launchStart(ctx, plan));
  },
  subject: (input, plan) => ({
    description: `Lab ${plan?.labName ?? input.id} (${plan?.vms.length ?? 0} VM(s), ${plan?.parallelism ?? '?'} at a time)`,
  }),
});
