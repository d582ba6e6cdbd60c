// SPDX-License-Identifier: Apache-2.0
/**
 * Fourth step of setupNetworks: carry out planned steps, one iproute2 call (argument array,
 * through exec.ts) or one set of sysctl writes per step, in order, stopping at the first
 * failure. Rollback (rollback.ts) decides what to do about a failure.
 */
import { writeFile } from 'node:fs/promises';

import { HostError, HostErrorCode } from '../../main/contract/errors';
import { run } from '../exec';
import type { NetStep } from './desired-state';

/** Test seam for failure injection: runs before each step; a throw fails that step. */
export interface ApplyHooks {
  readonly beforeStep?: (step: NetStep, index: number) => Promise<void>;
}

async function writeSysctl(path: string, value: number): Promise<void> {
  try {
    await writeFile(path, `${value}\n`);
  } catch (cause) {
    const detail = cause instanceof Error ? cause.message : String(cause);
    throw new HostError(
      HostErrorCode.HOST_COMMAND_FAILED,
      `cannot write ${path}: ${detail}`,
      detail,
      { cause },
    );
  }
}

/** The iproute2 arguments for a step (exported for the table test). */
export function ipArgs(step: Exclude<NetStep, { op: 'bridge-sysctls' }>): string[] {
  switch (step.op) {
    case 'bridge-add':
      return ['link', 'add', 'name', step.dev, 'type', 'bridge', 'stp_state', step.stp ? '1' : '0'];
    case 'bridge-del':
      return ['link', 'del', 'dev', step.dev];
    case 'set-mtu':
      return ['link', 'set', 'dev', step.dev, 'mtu', String(step.mtu)];
    case 'set-stp':
      return ['link', 'set', 'dev', step.dev, 'type', 'bridge', 'stp_state', step.stp ? '1' : '0'];
    case 'set-mac':
      return ['link', 'set', 'dev', step.dev, 'address', step.mac];
    case 'enslave':
      return ['link', 'set', 'dev', step.dev, 'master', step.master];
    case 'release':
      return ['link', 'set', 'dev', step.dev, 'nomaster'];
    case 'up':
      return ['link', 'set', 'dev', step.dev, 'up'];
    case 'down':
      return ['link', 'set', 'dev', step.dev, 'down'];
    case 'addr-add':
      return ['addr', 'add', step.cidr, 'dev', step.dev];
    case 'addr-del':
      return ['addr', 'del', step.cidr, 'dev', step.dev];
  }
}

/** Carry out one step. @throws HostError HOST_COMMAND_FAILED */
export async function applyStep(step: NetStep): Promise<void> {
  if (step.op !== 'bridge-sysctls') {
    await run('ip', ipArgs(step));
    return;
  }
  // Address generation first: with mode none the kernel never creates a link-local address,
  // and disable_ipv6 then removes IPv6 from the bridge altogether (ENVIRONMENT.md: a new
  // bridge otherwise gets fe80::/64 and guests could reach the host through it).
  await run('ip', ['link', 'set', 'dev', step.dev, 'addrgenmode', step.addrGenMode]);
  await writeSysctl(`/proc/sys/net/ipv6/conf/${step.dev}/disable_ipv6`, step.sysctls.disableIpv6);
  await writeSysctl(`/proc/sys/net/ipv4/conf/${step.dev}/arp_ignore`, step.sysctls.arpIgnore);
  await writeSysctl(`/proc/sys/net/ipv4/conf/${step.dev}/rp_filter`, step.sysctls.rpFilter);
}

/**
 * Carry out `steps` in order; stop at the first failure.
 * @throws HostError of the failing step, with the step index in the message
 */
export async function applySteps(steps: readonly NetStep[], hooks: ApplyHooks = {}): Promise<void> {
  for (const [index, step] of steps.entries()) {
    try {
      await hooks.beforeStep?.(step, index);
      await applyStep(step);
    } catch (error) {
      if (error instanceof HostError) {
        throw new HostError(
          error.code,
          `step ${index + 1} (${step.op} ${step.dev}): ${error.message}`,
          error.detail,
          {
            cause: error,
          },
        );
      }
      throw error;
    }
  }
}
