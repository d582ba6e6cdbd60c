// SPDX-License-Identifier: Apache-2.0
/**
 * Activate/Deactivate for every host: the existing commands (commands/host/) run unchanged
 * with `ctx.host` set to the agent of the host they name, so a remote host is re-validated by
 * the same code as the local one, over its TLS connection. A remote host that has not enrolled
 * yet (`installing`) has no agent to talk to: refused with oVirt's status fault.
 */
import { hostsRepo } from '../../../../db/repos/hosts.repo';
import type { Command } from '../../command';
import type { EngineContext } from '../../context';
import { remoteHostsOf } from '../../hosts/remote-hosts';

type HostCommandName = 'ActivateHost' | 'DeactivateHost';

/** The context a host command runs in: the named host's agent as `ctx.host`. */
export function contextForHost(ctx: EngineContext, hostId: string): EngineContext {
  const agent = remoteHostsOf(ctx)?.agentFor(hostId);
  return agent ? { ...ctx, host: agent } : ctx;
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
      const prepared = cmd.prepare(contextForHost(ctx, input.hostId), input);
      const remote = remoteHostsOf(ctx);
      if (!prepared.ok || cmd.action !== 'activate' || !remote?.isRemote(input.hostId))
        return prepared;
      // A remote host back Up: its VMs (unknown while it was away) take the state it reports.
      const inner = prepared.prepared;
      return {
        ok: true,
        prepared: {
          subject: inner.subject,
          execute: async () => {
            const result = await inner.execute();
            await remote.reconcileVms(input.hostId);
            return result;
          },
        },
      };
    },
  };
}
