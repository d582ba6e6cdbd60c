// SPDX-License-Identifier: Apache-2.0
/** StopVm (hard power-off) and ShutdownVm (ACPI, then power-off after a deadline). */
import { nowIso } from '../../../../db/repos/rows';
import { vmsRepo } from '../../../../db/repos/vms.repo';
import { HostError, HostErrorCode } from '../../../contract/errors';
import type { Vm } from '../../../contract/vms';
import { defineCommand, lockKey } from '../../command';
import type { EngineContext } from '../../context';
import { withProgress } from '../../host-networks';
import { runIntent } from '../../intents';
import { invalid, notFound, valid } from '../../validation';
import { validateVmTransition } from '../../validators/vm.validator';

/** Guest shutdown deadline before the host layer powers the domain off. */
export const SHUTDOWN_TIMEOUT_MS = 30_000;

/**
 * Bring a VM down under a `vm` intent: tx 1 (the transitional status, if any) → the host
 * step → tx 2 `down`. A powered-off domain cannot be put back, so a failed tx 2 is retried
 * until it records what happened (intents.ts).
 */
async function bringDown(
  ctx: EngineContext,
  vm: Vm,
  how: () => Promise<void>,
  reason: string | undefined,
  transitional?: Vm['status'],
): Promise<Vm> {
  try {
    await runIntent(ctx, {
      command: transitional ? 'ShutdownVm' : 'StopVm',
      kind: 'vm',
      hostId: vm.hostId,
      snapshots: [['vm', 'id', vm.id]],
      prepare: (tx) => {
        if (transitional) vmsRepo.update(tx, vm.id, { status: transitional });
        return { plan: null, vmIds: [vm.id], payload: { vmIds: [vm.id] } };
      },
      onRecorded: () => {
        if (transitional) ctx.events.entity('vm', vm.id, 'updated');
      },
      host: async () => {
        try {
          await how();
        } catch (e) {
          // A domain that no longer exists is down: that is what was asked for.
          if (!(e instanceof HostError && e.code === HostErrorCode.DOMAIN_NOT_FOUND)) throw e;
        }
      },
      commit: (tx) => {
        vmsRepo.update(tx, vm.id, {
          status: 'down',
          hostId: null,
          stopTime: nowIso(),
          stopReason: reason ?? null,
        });
      },
    });
  } finally {
    ctx.events.entity('vm', vm.id, 'updated');
  }
  const v = vmsRepo.findById(ctx.database.db, vm.id);
  if (!v) throw notFound('vm', vm.id);
  return v;
}

export const StopVmCommand = defineCommand<'StopVm', Vm>({
  action: 'stop',
  type: 'VM',
  auditCode: 'USER_STOP_VM',
  locks: (_ctx, input) => [lockKey.vm(input.id)],
  validate: (ctx, input) => {
    const vm = vmsRepo.findById(ctx.database.db, input.id);
    if (!vm) throw notFound('vm', input.id);
    const f = validateVmTransition(vm.status, 'stop');
    return f ? invalid(f) : valid(vm);
  },
  execute: (ctx, input, vm) =>
    bringDown(ctx, vm, () => ctx.host.domainPowerOff(vm.id), input.reason),
  subject: (input, vm) => ({ description: `VM ${vm?.name ?? input.id}`, vmId: input.id }),
});

export const ShutdownVmCommand = defineCommand<'ShutdownVm', Vm>({
  action: 'shutdown',
  type: 'VM',
  auditCode: 'USER_INITIATED_SHUTDOWN_VM',
  locks: (_ctx, input) => [lockKey.vm(input.id)],
  validate: (ctx, input) => {
    const vm = vmsRepo.findById(ctx.database.db, input.id);
    if (!vm) throw notFound('vm', input.id);
    const f = validateVmTransition(vm.status, 'shutdown');
    return f ? invalid(f) : valid(vm);
  },
  execute: (ctx, input, vm) =>
    withProgress(ctx, `Shutting down VM ${vm.name}`, () =>
      bringDown(
        ctx,
        vm,
        () => ctx.host.domainShutdown(vm.id, SHUTDOWN_TIMEOUT_MS),
        input.reason,
        'powering_down',
      ),
    ),
  subject: (input, vm) => ({ description: `VM ${vm?.name ?? input.id}`, vmId: input.id }),
});
