// SPDX-License-Identifier: Apache-2.0
/**
 * Host networking (issue 14): every command that changes networks on a host goes through
 * {@link applyHostNetworks} (entry.ts). One job per file:
 *
 *   entry.ts          the single entry: apply now (caller holds the host) or in the next turn
 *   coalesce.ts       per-host turns: every waiting change in one apply, one by one on failure
 *   apply.ts          one change under an intent: tx 1, host step, tx 2 or compensation
 *   plan.ts           tx 1: the command's DB change, diffed into a request + its inverse
 *   host-step.ts      the host half: setupNetworks + segment services + commit, and undo
 *   desired-state.ts  what the host should carry, from the database
 *   reported.ts       read back: in_sync and reported configurations
 *   recover.ts        restart recovery of an interrupted change
 *   shared.ts         a change of shared rows (cluster link, label) host by host
 *   provisioning.ts   attachments a host gets without asking (isolated, labels)
 *   cluster-status.ts a required network missing on a host → cluster network status
 */
export type { HostNetworkChange, SharedChange } from './change';
export { refreshClusterNetworkStatus } from './cluster-status';
export { hostsWithOpenChange } from './coalesce';
export {
  type DesiredAttachment,
  desiredSetup,
  effectiveMtu,
  hostDesiredState,
  hostNicNames,
  REACHABLE,
} from './desired-state';
export { applyHostNetworks } from './entry';
export { autoProvisioned, insertMissingAttachments } from './provisioning';
export { recoverHostNetworks } from './recover';
export { refreshReports, reportedConfigurations, storeReports } from './reported';
export { applySharedToHosts } from './shared';
