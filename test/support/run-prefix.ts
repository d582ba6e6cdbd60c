// SPDX-License-Identifier: Apache-2.0
/**
 * Per-run name prefixes for tests that create host objects (bridges, taps, veths, domains,
 * files), and the sweep of objects left by earlier runs that died before cleaning up.
 *
 * A prefix is a 2-character family (one per test area, e.g. `hz` for the host layer) plus 3
 * random base-36 characters: 5 characters, so `<prefix>blue` or `<prefix>a0` stay within the
 * kernel's 15-character device names. Each run records its prefix with its pid under
 * /tmp/aio-test-prefixes; the sweep removes only objects whose prefix belongs to no live
 * process — never the objects of a run going on in parallel, never anything of another family.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { run, runJson } from '../../libvirt/exec';

/** Where each run records `<prefix>` → its pid (in /tmp so it works without root too). */
export const REGISTRY = '/tmp/aio-test-prefixes';
/** Parent of every run's scratch directory (state dirs, serial logs). */
export const RUN_DIRS = '/tmp/aio-test';
const ALPHABET = '0123456789abcdefghijklmnopqrstuvwxyz';

/** Claim a fresh prefix in `family` (2 lowercase characters) for this process. */
export function claimRunPrefix(family: string): string {
  if (!/^[a-z]{2}$/.test(family)) throw new Error(`family must be 2 lowercase letters: ${family}`);
  mkdirSync(REGISTRY, { recursive: true });
  const bytes = randomBytes(3);
  const prefix = family + [...bytes].map((b) => ALPHABET[b % 36]).join('');
  writeFileSync(join(REGISTRY, prefix), `${process.pid}\n`);
  return prefix;
}

/** This run's scratch directory (created), for state dirs and serial logs. */
export function runDir(prefix: string): string {
  const dir = join(RUN_DIRS, prefix);
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Forget this run's prefix and delete its scratch directory (after its own cleanup). */
export function releaseRunPrefix(prefix: string): void {
  rmSync(join(RUN_DIRS, prefix), { recursive: true, force: true });
  rmSync(join(REGISTRY, prefix), { force: true });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Prefixes of `family` whose owner is still running. */
function livePrefixes(family: string): Set<string> {
  const live = new Set<string>();
  let entries: string[] = [];
  try {
    entries = readdirSync(REGISTRY);
  } catch {
    return live;
  }
  for (const prefix of entries.filter((e) => e.startsWith(family))) {
    const pid = Number.parseInt(readFileSync(join(REGISTRY, prefix), 'utf8'), 10);
    if (Number.isInteger(pid) && alive(pid)) live.add(prefix);
    else rmSync(join(REGISTRY, prefix), { force: true });
  }
  return live;
}

/** True when `name` belongs to a dead run of `family` (a stale object). */
function isStale(name: string, family: string, live: ReadonlySet<string>): boolean {
  if (!new RegExp(`^${family}[0-9a-z]{3}`).test(name)) return false;
  return !live.has(name.slice(0, 5));
}

/** What a sweep removed. */
export interface SweepReport {
  readonly domains: string[];
  readonly links: string[];
  readonly dirs: string[];
}

/**
 * Remove domains and links named with a prefix of `family` that no live run owns: domains are
 * destroyed and undefined (through virsh, out of band), then links deleted (bridges last, so
 * their ports are gone first).
 */
export async function sweepStale(family: string, uri = 'qemu:///system'): Promise<SweepReport> {
  const live = livePrefixes(family);
  const report: SweepReport = { domains: [], links: [], dirs: [] };
  const { stdout } = await run('virsh', ['-c', uri, 'list', '--all', '--name']);
  for (const name of stdout.split('\n').map((s) => s.trim())) {
    if (name === '' || !isStale(name, family, live)) continue;
    await run('virsh', ['-c', uri, 'destroy', name]).catch(() => undefined);
    await run('virsh', ['-c', uri, 'undefine', name]).catch(() => undefined);
    report.domains.push(name);
  }
  const links = (await runJson('ip', ['-d', '-json', 'link', 'show'])) as {
    ifname: string;
    linkinfo?: { info_kind?: string };
  }[];
  const stale = links.filter((l) => isStale(l.ifname, family, live));
  const order = [
    ...stale.filter((l) => l.linkinfo?.info_kind !== 'bridge'),
    ...stale.filter((l) => l.linkinfo?.info_kind === 'bridge'),
  ];
  for (const l of order) {
    // A veth's peer disappears with it; ignore "Cannot find device".
    await run('ip', ['link', 'del', 'dev', l.ifname]).catch(() => undefined);
    report.links.push(l.ifname);
  }
  let dirs: string[] = [];
  try {
    dirs = readdirSync(RUN_DIRS);
  } catch {
    // No scratch directories yet.
  }
  for (const d of dirs.filter((x) => isStale(x, family, live))) {
    rmSync(join(RUN_DIRS, d), { recursive: true, force: true });
    report.dirs.push(d);
  }
  return report;
}

/**
 * Why host tests must skip here, or false when they can run: they create bridges and domains,
 * which needs root (the CI machine and `npm test` run as root).
 */
export function hostTestSkipReason(): string | false {
  return process.getuid?.() === 0
    ? false
    : 'needs root to create bridges, veths and libvirt domains';
}
