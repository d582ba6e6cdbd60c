// SPDX-License-Identifier: Apache-2.0
/**
 * Issue 17: work that follows a host's (re-)activation, after its networks were re-validated
 * and its VMs aligned — e.g. OVN re-creating a returning host's logical ports and chassis
 * settings. A hook runs with `ctx.host` = that host's agent (remote or local). A failing hook
 * does not undo the activation: it is recorded in the audit log (VDS_ACTIVATE_HOOK_FAILED)
 * and the next activation runs it again.
 */
import { hostsRepo } from '../../../db/repos/hosts.repo';
import { auditRepo } from '../../../db/repos/users.repo';
import type { EngineContext } from '../context';

export interface HostActivatedInfo {
  readonly hostId: string;
  /** A remote host (reached over its agent's TLS connection). */
  readonly remote: boolean;
}

export type HostActivatedHook = (ctx: EngineContext, host: HostActivatedInfo) => Promise<void>;

const hooks = new Map<string, HostActivatedHook>();

/**
 * Register `hook` under `name` (a second registration under the same name replaces the first,
 * so a module imported twice does not run twice). Returns the unregister function.
 */
export function onHostActivated(name: string, hook: HostActivatedHook): () => void {
  hooks.set(name, hook);
  return () => {
    if (hooks.get(name) === hook) hooks.delete(name);
  };
}

/** Run every hook, in registration order; failures are audited, never thrown. */
export async function runHostActivatedHooks(
  ctx: EngineContext,
  info: HostActivatedInfo,
): Promise<void> {
  for (const [name, hook] of hooks) {
    try {
      await hook(ctx, info);
    } catch (e) {
      const host = hostsRepo.findById(ctx.database.db, info.hostId);
      ctx.database.transaction((tx) => {
        const event = auditRepo.insert(tx, {
          time: new Date().toISOString(),
          severity: 'warning',
          code: 'VDS_ACTIVATE_HOOK_FAILED',
          description: `Host ${host?.name ?? info.hostId}: ${name} after activation failed: ${
            e instanceof Error ? e.message : String(e)
          }`,
          user: 'SYSTEM',
          correlationId: ctx.correlationId,
          dataCenterId: null,
          clusterId: host?.clusterId ?? null,
          hostId: info.hostId,
          networkId: null,
          vmId: null,
        });
        ctx.events.publish({ type: 'audit', event });
      });
    }
  }
}
