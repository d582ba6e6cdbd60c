// SPDX-License-Identifier: Apache-2.0
// Timing helpers for the benchmarks: every number is a wall-clock sample in milliseconds.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/** Runs a program with an argument array (never a shell) and returns its stdout. */
export async function run(cmd: string, args: readonly string[]): Promise<string> {
  const { stdout } = await execFileAsync(cmd, [...args], { maxBuffer: 64 * 1024 * 1024 });
  return stdout;
}

/** Milliseconds taken by `fn`. */
export async function time(fn: () => Promise<unknown>): Promise<number> {
  const started = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - started) / 1e6;
}

export function median(samples: readonly number[]): number {
  return quantile(samples, 0.5);
}

/** Nearest-rank quantile (q in 0..1). */
export function quantile(samples: readonly number[], q: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank] ?? Number.NaN;
}

/** Polls `probe` every `intervalMs` until it returns true or `timeoutMs` passes. */
export async function waitFor(
  probe: () => Promise<boolean>,
  timeoutMs: number,
  intervalMs = 5,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await probe()) return;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(`condition not met within ${timeoutMs} ms`);
}

/** True when the bridge exists, is up and has the MTU (read from the kernel, out of band). */
export async function bridgeIsUp(name: string, mtu: number): Promise<boolean> {
  try {
    const out = await run('ip', ['-json', 'link', 'show', 'dev', name]);
    const [link] = JSON.parse(out) as { mtu: number; flags: string[] }[];
    return link !== undefined && link.mtu === mtu && link.flags.includes('UP');
  } catch {
    return false;
  }
}
