// SPDX-License-Identifier: Apache-2.0
/**
 * Fourth step of setupNetworks: carry out planned steps in order, stopping at the first
 * failure. Consecutive iproute2 commands go to one `ip -batch` process (a deploy used to fork
 * `ip` once per step, ~10 ms each); sysctl writes happen between batches, before the next step
 * that could bring a bridge up, so the order the plan chose (isolation before the bridge is
 * ever up) still holds.
 * Rollback (rollback.ts) decides what to do about a failure.
 */
import { randomInt } from 'node:crypto';
import { writeFile } from 'node:fs/promises';

import { HostError, HostErrorCode } from '../../main/contract/errors';
import { run } from '../exec';
import type { NetStep } from './desired-state';
import { BATCH_SAFE_ARG, IpLineFailure, type IpSession } from './ip-session';

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

/** Carry out one step on its own (rollback, segment services). @throws HostError HOST_COMMAND_FAILED */
export async function applyStep(step: NetStep): Promise<void> {
  const { ip, sysctls } = partsOf(step);
  for (const args of ip) await run('ip', args);
  await sysctls?.();
}

/** iproute2 commands of a step, then its sysctl writes (bridge-sysctls only). */
function partsOf(step: NetStep): { ip: string[][]; sysctls: (() => Promise<void>) | null } {
  if (step.op !== 'bridge-sysctls') return { ip: [ipArgs(step)], sysctls: null };
  // Address generation first: with mode none the kernel never creates a link-local address,
  // and disable_ipv6 then removes IPv6 from the bridge altogether (ENVIRONMENT.md: a new
  // bridge otherwise gets fe80::/64 and guests could reach the host through it).
  return {
    ip: [['link', 'set', 'dev', step.dev, 'addrgenmode', step.addrGenMode]],
    sysctls: async () => {
      await writeSysctl(
        `/proc/sys/net/ipv6/conf/${step.dev}/disable_ipv6`,
        step.sysctls.disableIpv6,
      );
      await writeSysctl(`/proc/sys/net/ipv4/conf/${step.dev}/arp_ignore`, step.sysctls.arpIgnore);
      await writeSysctl(`/proc/sys/net/ipv4/conf/${step.dev}/rp_filter`, step.sysctls.rpFilter);
    },
  };
}

const isBridgeDel = (args: readonly string[]): boolean =>
  args.length === 4 && args[0] === 'link' && args[1] === 'del' && args[2] === 'dev';

/**
 * Several bridges deleted in a row go in one request: each `ip link del` waits for the kernel
 * to quiesce (tens of ms per bridge); `ip link del group G` unregisters them all at once. The
 * group is a random number far above anything set by hand, assigned right before, so no other
 * device can be in it.
 */
function groupDeletions(
  commands: { args: string[]; index: number }[],
): { args: string[]; index: number }[] {
  if (commands.filter((c) => isBridgeDel(c.args)).length < 2) return commands;
  const group = String(0x40000000 + randomInt(0x3fffffff));
  const out: { args: string[]; index: number }[] = [];
  let run: { args: string[]; index: number }[] = [];
  const end = (): void => {
    if (run.length >= 2) {
      for (const c of run)
        out.push({ args: ['link', 'set', 'dev', c.args[3] ?? '', 'group', group], index: c.index });
      out.push({ args: ['link', 'del', 'group', group], index: run[run.length - 1]?.index ?? 0 });
    } else out.push(...run);
    run = [];
  };
  for (const c of commands) {
    if (isBridgeDel(c.args)) {
      run.push(c);
      continue;
    }
    end();
    out.push(c);
  }
  end();
  return out;
}

/** A failure of the step at `index`. */
class StepFailure extends Error {
  constructor(
    readonly index: number,
    readonly error: unknown,
  ) {
    super('step failed');
  }
}

/**
 * Run queued commands (each tagged with its step index) as one `ip -batch -`; without `-force`
 * iproute2 stops at the first failing line and names it (`Command failed -:N`), which maps the
 * failure back to its step. A lone command, or one with characters the batch parser would
 * interpret, runs as a plain argument array.
 */
async function flush(
  queue: { args: string[]; index: number }[],
  session: IpSession | undefined,
): Promise<void> {
  const commands = groupDeletions(queue.splice(0));
  if (commands.length === 0) return;
  const batchable = commands.every((c) => c.args.every((a) => BATCH_SAFE_ARG.test(a)));
  if (session && batchable) {
    // The request's own iproute2 process (ip-session.ts): no fork for this group.
    try {
      await session.run(commands.map((c) => c.args));
    } catch (error) {
      if (!(error instanceof IpLineFailure)) throw new StepFailure(commands[0]?.index ?? 0, error);
      throw new StepFailure(commands[error.index]?.index ?? 0, error.error);
    }
    return;
  }
  if (commands.length === 1 || !batchable) {
    for (const c of commands) {
      try {
        await run('ip', c.args);
      } catch (error) {
        throw new StepFailure(c.index, error);
      }
    }
    return;
  }
  try {
    await run('ip', ['-batch', '-'], {
      input: commands.map((c) => `${c.args.join(' ')}\n`).join(''),
    });
  } catch (error) {
    const detail = error instanceof HostError ? error.detail : String(error);
    const line = Number(/Command failed -:(\d+)/.exec(detail)?.[1] ?? Number.NaN);
    const failed = commands[line - 1] ?? commands[commands.length - 1];
    // The kernel's reason without the batch bookkeeping line.
    const reason = detail.replace(/\n?Command failed -:\d+\s*$/, '').trim();
    const args = failed?.args ?? [];
    throw new StepFailure(
      failed?.index ?? 0,
      new HostError(HostErrorCode.HOST_COMMAND_FAILED, `ip ${args.join(' ')}: ${reason}`, reason, {
        cause: error,
      }),
    );
  }
}

/**
 * Carry out `steps` in order; stop at the first failure. `hooks.beforeStep` runs for each step
 * before the batch holding it is sent; when it throws, the steps before are carried out and the
 * step fails, exactly as if it had run alone. With `session`, every batch goes down that one
 * iproute2 process (ip-session.ts) instead of a fork per batch.
 * @throws HostError of the failing step, with the step index in the message
 */
export async function applySteps(
  steps: readonly NetStep[],
  hooks: ApplyHooks = {},
  session?: IpSession,
): Promise<void> {
  const queue: { args: string[]; index: number }[] = [];
  // Sysctl writes wait until the next step that is neither a bridge creation nor another
  // sysctl step: nothing before then can bring a bridge up, so the isolation still precedes
  // every `up`, and several new bridges (one turn of coalesced changes) cost one batch.
  const writes: { index: number; write: () => Promise<void> }[] = [];
  const settle = async (): Promise<void> => {
    await flush(queue, session);
    for (const w of writes.splice(0)) {
      try {
        await w.write();
      } catch (error) {
        throw new StepFailure(w.index, error);
      }
    }
  };
  try {
    for (const [index, step] of steps.entries()) {
      try {
        await hooks.beforeStep?.(step, index);
      } catch (error) {
        await settle();
        throw new StepFailure(index, error);
      }
      if (writes.length > 0 && step.op !== 'bridge-add' && step.op !== 'bridge-sysctls') {
        await settle();
      }
      const { ip, sysctls } = partsOf(step);
      for (const args of ip) queue.push({ args, index });
      if (sysctls !== null) writes.push({ index, write: sysctls });
    }
    await settle();
  } catch (failure) {
    if (!(failure instanceof StepFailure)) throw failure;
    const { index, error } = failure;
    const step = steps[index];
    if (error instanceof HostError && step !== undefined) {
      throw new HostError(
        error.code,
        `step ${index + 1} (${step.op} ${step.dev}): ${error.message}`,
        error.detail,
        { cause: error },
      );
    }
    throw error;
  }
}
