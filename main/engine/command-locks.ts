// SPDX-License-Identifier: Apache-2.0
/**
 * How the runner takes a command's locks. Two rules keep host-network changes from queueing
 * behind each other (issue 10 item 6) without deadlocks:
 *
 * - commands whose host work goes through the host-network entry's turns
 *   ({@link COALESCED_COMMANDS}) do not hold the host's network lock at all — the entry takes
 *   it per turn and applies every waiting change at once (host-network/coalesce.ts) — and
 *   take their cluster lock shared (two networks attached to one cluster do not conflict;
 *   removing or changing the cluster still waits for them);
 * - every other command takes the host-network locks last, after its other keys: whoever holds
 *   a host's network lock waits for nothing else, so a turn (which holds only that lock) and
 *   a command waiting for it can never wait for each other.
 */
import { lockKey } from './command';
import type { LockManager } from './locks';

/** Commands whose host-network work is coalesced (their DB change + one shared apply). */
export const COALESCED_COMMANDS: ReadonlySet<string> = new Set([
  'AttachNetworkToCluster',
  'DetachNetworkFromCluster',
  'LabelNetwork',
  'UnlabelNetwork',
  'RemoveNetwork',
]);

const HOST_NETWORKS = lockKey.hostNetworks('');
const CLUSTER = lockKey.cluster('');

/**
 * Acquire `keys` for command `op`. Resolves to the release function and the keys held (for
 * {@link withHeldLocks}).
 * @throws LockTimeoutError as {@link LockManager.acquire}
 */
export async function acquireCommandLocks(
  locks: LockManager,
  op: string,
  keys: readonly string[],
  timeoutMs: number,
): Promise<{ release: () => void; held: readonly string[] }> {
  const hostNetworks = keys.filter((k) => k.startsWith(HOST_NETWORKS));
  const others = keys.filter((k) => !k.startsWith(HOST_NETWORKS));
  if (COALESCED_COMMANDS.has(op)) {
    const shared = new Set(others.filter((k) => k.startsWith(CLUSTER)));
    return { release: await locks.acquire(others, timeoutMs, shared), held: others };
  }
  const deadline = Date.now() + timeoutMs;
  const first = await locks.acquire(others, timeoutMs);
  try {
    const second = await locks.acquire(hostNetworks, Math.max(0, deadline - Date.now()));
    return {
      release: () => {
        second();
        first();
      },
      held: keys,
    };
  } catch (e) {
    first();
    throw e;
  }
}
