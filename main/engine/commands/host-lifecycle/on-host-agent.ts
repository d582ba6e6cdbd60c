// SPDX-License-Identifier: Apache-2.0
/**
 * Activate/Deactivate for every host: the existing commands (commands/host/) run unchanged
 * with `ctx.host` set to the agent of the host they name, so a remote host is re-validated by
 * the same code as the local one, over its TLS connection. A remote host that has not enrolled
 * yet (`installing`) has no agent to talk to: refused with oVirt's status fault.
 */
import { hostsRepo } from '../../../../db/repos/hosts.repo';
import { vmsRepo } from '../../../../db/repos/vms.repo';
import type { HostAgent } from '../../../../libvirt/host-agent';
import type { OpParsedInput } from '../../../contract/operations';
import type { Command } from '../../command';
import type { EngineServices } from '../../context';
import { runHostActivatedHooks } from '../../hosts/host-activated-hooks';
import { remoteHostsOf } from '../../hosts/remote-hosts';

type HostCommandName = 'ActivateHost' | 'DeactivateHost';

/** The context a host command runs in: the named host's agent as `ctx.host`. */
export function contextForHost<C extends EngineServices>(ctx: C, hostId: string | null): C {
  const agent = hostId === null ? null : remoteHostsOf(ctx)?.agentFor(hostId);
  return agent ? { ...ctx, host: agent } : ctx;
}

/** The agent of the host a VM runs on (the local one when it runs nowhere or here). */
export function agentForVm(ctx: EngineServices, vmId: string): HostAgent {
  const vm = vmsRepo.findById(ctx.database.db, vmId);
  return contextForHost(ctx, vm?.hostId ?? null).host;
}

type VmCommandName = 'StopVm' | 'ShutdownVm' | 'UpdateVmCdrom' | 'SetVmTicket';

/**
 * Issue 17: a command on a VM runs on the VM's host — `ctx.host` is the agent of the host the
 * VM is placed on (read under the VM's lock, which the runner takes before `prepare`).
 */
export function onVmHost<K extends VmCommandName>(
  cmd: Command<K>,
  vmIdOf: (input: OpParsedInput<K>) => string,
): Command<K> {
  return {
    action: cmd.action,
    type: cmd.type,
    auditCode: cmd.auditCode,
    locks: (ctx, input) => cmd.locks(ctx, input),
    prepare: (ctx, input) => {
      const vm = vmsRepo.findById(ctx.database.db, vmIdOf(input));
      return cmd.prepare(contextForHost(ctx, vm?.hostId ?? null), input);
    },
  };
}

export function onHostAgent<K extends HostCommandName>(cmd: Command<K>): Command<K> {
  return {
    action: cmd.action,
    type: cmd.type,
    auditCode: cmd.auditCode,
    locks: (ctx, input) => cmd.locks(ctx, input),
    prepare: (ctx, input) => {
      const host = hostsRepo.findById(ctx.database.db, input.hostId);
      if (host?.status === 'installing' && cmd.action === 'activate') {
        return {
          ok: false,
          failure: {
            code: 'ACTION_TYPE_FAILED_VDS_STATUS_ILLEGAL',
            vars: { hostStatus: 'enrolled (run the host agent with its token first)' },
          },
          subject: { description: `Host ${host.name}`, hostId: host.id },
        };
      }
      const hostCtx = contextForHost(ctx, input.hostId);
      const prepared = cmd.prepare(hostCtx, input);
      if (!prepared.ok || cmd.action !== 'activate') return prepared;
      const remote = remoteHostsOf(ctx);
      const isRemote = remote?.isRemote(input.hostId) === true;
      const inner = prepared.prepared;
      return {
        ok: true,
        prepared: {
          subject: inner.subject,
          execute: async () => {
            const result = await inner.execute();
            // A remote host back Up: its VMs (unknown while it was away) take the state it
            // reports; then what others keep on it is recreated (host-activated-hooks.ts).
            if (isRemote) await remote?.reconcileVms(input.hostId);
            await runHostActivatedHooks(hostCtx, { hostId: input.hostId, remote: isRemote });
            return result;
          },
        },
      };
    },
  };
}
