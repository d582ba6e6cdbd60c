// SPDX-License-Identifier: Apache-2.0
/** Host availability rules shared by commands that need the hypervisor. */
import type { Conn } from '../../../db/client';
import { hostsRepo } from '../../../db/repos/hosts.repo';
import { failWith, VALID, type ValidationResult } from '../validation';

/**
 * A cluster whose hosts are all `non_responsive` (libvirtd does not answer, see
 * host-monitor.ts) cannot run anything *for now*: answer "unavailable, try again" (503 with
 * Retry-After) rather than the scheduling conflict (409) meant for a cluster without hosts
 * — the same answer a call gets when libvirtd stops between the check and the call.
 */
export function validateHypervisorAnswers(c: Conn, clusterId: string): ValidationResult {
  const hosts = hostsRepo.list(c).filter((h) => h.clusterId === clusterId);
  if (hosts.some((h) => h.status === 'up')) return VALID;
  const silent = hosts.find((h) => h.status === 'non_responsive');
  return silent === undefined
    ? VALID
    : failWith('HYPERVISOR_UNREACHABLE', {
        detail: `host ${silent.name}: ${silent.statusDetail ?? 'the hypervisor does not answer'}`,
      }).failure;
}
