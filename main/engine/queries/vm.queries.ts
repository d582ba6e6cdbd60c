// SPDX-License-Identifier: Apache-2.0
/** Queries over VMs, their NICs, templates and the audit log. */
import { auditRepo } from '../../../db/repos/users.repo';
import { templatesRepo, vmNicsRepo, vmsRepo } from '../../../db/repos/vms.repo';
import type { Query } from '../command';
import { tapNameOf } from '../commands/vm/run-vm.command';
import { nicStatistics, vmStatistics } from '../statistics';
import { notFound } from '../validation';

const must = <T>(v: T | null, entity: string, id: string): T => {
  if (v === null) throw notFound(entity, id);
  return v;
};

export const GetAllVms: Query<'GetAllVms'> = (ctx) => vmsRepo.list(ctx.database.db);
export const GetVmById: Query<'GetVmById'> = (ctx, i) =>
  must(vmsRepo.findById(ctx.database.db, i.id), 'vm', i.id);
export const GetVmInterfaces: Query<'GetVmInterfaces'> = (ctx, i) => {
  must(vmsRepo.findById(ctx.database.db, i.vmId), 'vm', i.vmId);
  return vmNicsRepo.listByVm(ctx.database.db, i.vmId);
};
export const GetVmInterfaceById: Query<'GetVmInterfaceById'> = (ctx, i) =>
  must(vmNicsRepo.findById(ctx.database.db, i.vmId, i.id), 'vm_nic', i.id);
export const GetVmStatistics: Query<'GetVmStatistics'> = (ctx, i) => {
  const vm = must(vmsRepo.findById(ctx.database.db, i.id), 'vm', i.id);
  const up =
    vm.status !== 'down' && vm.startTime !== null
      ? (Date.now() - Date.parse(vm.startTime)) / 1000
      : 0;
  return vmStatistics(vm.memoryBytes, vm.vcpus, up);
};
export const GetVmInterfaceStatistics: Query<'GetVmInterfaceStatistics'> = async (ctx, i) => {
  const vm = must(vmsRepo.findById(ctx.database.db, i.vmId), 'vm', i.vmId);
  const nic = must(vmNicsRepo.findById(ctx.database.db, i.vmId, i.id), 'vm_nic', i.id);
  const zero = {
    device: '',
    rxBytes: 0,
    txBytes: 0,
    rxPackets: 0,
    txPackets: 0,
    rxErrors: 0,
    txErrors: 0,
    rxDropped: 0,
    txDropped: 0,
    sampledAt: Date.now(),
  };
  if (vm.status === 'down')
    return nicStatistics(zero, { rxBytesPerSecond: 0, txBytesPerSecond: 0 });
  const counters = await ctx.host.deviceCounters(tapNameOf(nic.id)).catch(() => zero);
  return nicStatistics(
    counters,
    counters.device === ''
      ? { rxBytesPerSecond: 0, txBytesPerSecond: 0 }
      : ctx.rates.update(counters),
  );
};
export const GetAllTemplates: Query<'GetAllTemplates'> = (ctx) =>
  templatesRepo.list(ctx.database.db);
export const GetTemplateById: Query<'GetTemplateById'> = (ctx, i) =>
  must(templatesRepo.findById(ctx.database.db, i.id), 'template', i.id);
export const GetEvents: Query<'GetEvents'> = (ctx, i) =>
  auditRepo.list(ctx.database.db, i.after ?? 0, i.max ?? 1000);
