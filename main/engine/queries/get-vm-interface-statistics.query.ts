// SPDX-License-Identifier: Apache-2.0
/** vNIC statistics from the VM tap counters (zeros while the VM is down). */
import { vmNicsRepo, vmsRepo } from '../../../db/repos/vms.repo';
import type { Query } from '../command';
import { contextForHost } from '../commands/host-lifecycle/on-host-agent';
import { tapNameOf } from '../commands/vm/run-vm.command';
import { nicStatistics } from '../statistics';
import { must } from './must';

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
  // Issue 17: the tap is on the host the VM runs on.
  const counters = await contextForHost(ctx, vm.hostId)
    .host.deviceCounters(tapNameOf(nic.id))
    .catch(() => zero);
  return nicStatistics(
    counters,
    counters.device === ''
      ? { rxBytesPerSecond: 0, txBytesPerSecond: 0 }
      : ctx.rates.update(counters),
  );
};
