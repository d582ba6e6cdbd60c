// SPDX-License-Identifier: Apache-2.0
/**
 * Second step of setupSegmentServices: build a segment service on the host, one step at a
 * time, and take it down again. Every command is iproute2, nft or dnsmasq through exec.ts
 * (argument arrays); commands for the namespace run inside it (`ip -n`, `ip netns exec`).
 *
 * Build order keeps the segment safe at every moment: the namespace is firewalled and dnsmasq
 * is listening *before* the veth joins the bridge, and the host end has IPv6 address generation
 * off before it is ever up, so the host never gets an address on the segment, not even a
 * link-local one.
 */
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';

import { HostError, HostErrorCode } from '../../main/contract/errors';
import { run, runJson } from '../exec';
import { applyStep } from '../network/apply';
import { ISOLATED_SYSCTLS } from '../network/desired-state';
import { renderDhcpHosts, renderDnsmasqConf, renderNames } from './dnsmasq-config';
import { renderFirewall } from './firewall';
import { hostPortOf, namespaceOf, type SegmentPaths, SERVICE_IFACE } from './names';
import type { CanonicalSegmentPlan } from './plan';

/** Build steps, in order (failure injection names them). */
export const BUILD_STEPS = [
  'files',
  'namespace',
  'veth',
  'host-port-isolation',
  'namespace-sysctls',
  'service-address',
  'firewall',
  'dnsmasq',
  'join-bridge',
] as const;
export type BuildStep = (typeof BUILD_STEPS)[number];

/** Test seam: runs before each build step; a throw fails that step. */
export interface SegmentHooks {
  readonly beforeStep?: (step: BuildStep) => Promise<void>;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Does the network namespace exist? */
export async function namespaceExists(ns: string): Promise<boolean> {
  const list = (await runJson('ip', ['-json', 'netns', 'list'])) as { name?: string }[];
  return Array.isArray(list) && list.some((e) => e.name === ns);
}

/** Does a link of this name exist in the host namespace? */
export async function linkExists(dev: string): Promise<boolean> {
  try {
    await run('ip', ['link', 'show', 'dev', dev]);
    return true;
  } catch {
    return false;
  }
}

/** Write the three dnsmasq files (readable by dnsmasq after it drops root: no secrets in them). */
export async function writeServiceFiles(
  plan: CanonicalSegmentPlan,
  paths: SegmentPaths,
): Promise<void> {
  await mkdir(paths.dir, { recursive: true, mode: 0o755 });
  await writeFile(paths.conf, renderDnsmasqConf(plan, paths), { mode: 0o644 });
  await writeFile(paths.dhcpHosts, renderDhcpHosts(plan), { mode: 0o644 });
  await writeFile(paths.names, renderNames(plan), { mode: 0o644 });
}

/** Start dnsmasq in the namespace (it daemonizes after binding; config errors fail here). */
export async function startDnsmasq(ns: string, paths: SegmentPaths): Promise<number> {
  await rm(paths.pid, { force: true });
  await run('ip', ['netns', 'exec', ns, 'dnsmasq', `--conf-file=${paths.conf}`]);
  for (let i = 0; i < 40; i++) {
    const pid = await readPid(paths);
    if (pid !== null) return pid;
    await sleep(50);
  }
  throw new HostError(HostErrorCode.HOST_COMMAND_FAILED, `dnsmasq wrote no pid file ${paths.pid}`);
}

/** The pid in the pid file, if that process is alive and is our dnsmasq. */
export async function readPid(paths: SegmentPaths): Promise<number | null> {
  let text: string;
  try {
    text = await readFile(paths.pid, 'utf8');
  } catch {
    return null;
  }
  const pid = Number.parseInt(text.trim(), 10);
  if (!Number.isInteger(pid) || pid <= 0) return null;
  return (await isOurDnsmasq(pid, paths)) ? pid : null;
}

async function isOurDnsmasq(pid: number, paths: SegmentPaths): Promise<boolean> {
  try {
    const argv = (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0');
    return argv.includes(`--conf-file=${paths.conf}`);
  } catch {
    return false;
  }
}

/** Every dnsmasq running with this segment's config, pid file or not (no orphan survives). */
async function ourDnsmasqPids(paths: SegmentPaths): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const pid = Number(entry);
    if (pid !== process.pid && (await isOurDnsmasq(pid, paths))) pids.push(pid);
  }
  return pids;
}

function signal(pid: number, sig: NodeJS.Signals | 0): boolean {
  try {
    process.kill(pid, sig);
    return true;
  } catch {
    return false;
  }
}

/** Stop every dnsmasq of this segment: SIGTERM, then SIGKILL after 3 s. */
export async function stopDnsmasq(paths: SegmentPaths): Promise<void> {
  const pids = await ourDnsmasqPids(paths);
  for (const pid of pids) signal(pid, 'SIGTERM');
  for (let i = 0; i < 60 && pids.some((p) => signal(p, 0)); i++) await sleep(50);
  for (const pid of pids) if (signal(pid, 0)) signal(pid, 'SIGKILL');
  for (let i = 0; i < 40 && pids.some((p) => signal(p, 0)); i++) await sleep(50);
  await rm(paths.pid, { force: true });
}

/** Ask dnsmasq to re-read the static leases and names (SIGHUP). */
export function reloadDnsmasq(pid: number): void {
  if (!signal(pid, 'SIGHUP')) {
    throw new HostError(HostErrorCode.HOST_COMMAND_FAILED, `dnsmasq ${pid} is gone`);
  }
}

/** Carry out one build step. @throws HostError */
async function buildStep(
  step: BuildStep,
  plan: CanonicalSegmentPlan,
  mtu: number,
  paths: SegmentPaths,
): Promise<void> {
  const ns = namespaceOf(plan.network);
  const port = hostPortOf(plan.network);
  const inNs = (...args: string[]): Promise<unknown> => run('ip', ['-n', ns, ...args]);
  switch (step) {
    case 'files':
      await writeServiceFiles(plan, paths);
      return;
    case 'namespace':
      await run('ip', ['netns', 'add', ns]);
      return;
    case 'veth':
      // The namespace end is created inside the namespace, so its name never meets the host's.
      await run('ip', [
        'link',
        'add',
        'name',
        port,
        'mtu',
        String(mtu),
        'type',
        'veth',
        'peer',
        'name',
        SERVICE_IFACE,
        'mtu',
        String(mtu),
        'netns',
        ns,
      ]);
      return;
    case 'host-port-isolation':
      // The same settings that keep the bridge itself addressless (network/apply.ts).
      await applyStep({
        op: 'bridge-sysctls',
        dev: port,
        addrGenMode: 'none',
        sysctls: ISOLATED_SYSCTLS,
      });
      return;
    case 'namespace-sysctls':
      await run('ip', [
        'netns',
        'exec',
        ns,
        'sysctl',
        '-q',
        '-w',
        'net.ipv4.ip_forward=0',
        'net.ipv6.conf.all.forwarding=0',
        'net.ipv6.conf.all.disable_ipv6=1',
        'net.ipv6.conf.default.disable_ipv6=1',
        `net.ipv6.conf.${SERVICE_IFACE}.disable_ipv6=1`,
      ]);
      return;
    case 'service-address':
      await inNs('link', 'set', 'dev', 'lo', 'up');
      await inNs('addr', 'add', `${plan.serviceAddress}/${plan.prefix}`, 'dev', SERVICE_IFACE);
      await inNs('link', 'set', 'dev', SERVICE_IFACE, 'up');
      return;
    case 'firewall':
      await run('ip', ['netns', 'exec', ns, 'nft', '-f', '-'], { input: renderFirewall() });
      return;
    case 'dnsmasq':
      await startDnsmasq(ns, paths);
      return;
    case 'join-bridge':
      await run('ip', ['link', 'set', 'dev', port, 'master', plan.network]);
      await run('ip', ['link', 'set', 'dev', port, 'up']);
      return;
  }
}

/**
 * Build the whole service, stopping at the first failure (the caller tears down).
 * @throws HostError of the failing step, naming it
 */
export async function buildSegment(
  plan: CanonicalSegmentPlan,
  mtu: number,
  paths: SegmentPaths,
  hooks: SegmentHooks = {},
): Promise<void> {
  for (const step of BUILD_STEPS) {
    try {
      await hooks.beforeStep?.(step);
      await buildStep(step, plan, mtu, paths);
    } catch (error) {
      const detail = error instanceof HostError ? error.detail : String(error);
      const message = error instanceof Error ? error.message : String(error);
      throw new HostError(
        error instanceof HostError ? error.code : HostErrorCode.HOST_COMMAND_FAILED,
        `segment ${plan.network}, step ${step}: ${message}`,
        detail,
        { cause: error },
      );
    }
  }
}

/**
 * Take a segment service down completely: dnsmasq, the veth pair, the namespace, and its files
 * (the lease file stays when `keepLeases`, so a rebuild hands out the same addresses).
 * Idempotent: whatever is already gone is skipped. Every part is tried; returns what failed.
 */
export async function teardownSegment(
  network: string,
  paths: SegmentPaths,
  keepLeases: boolean,
): Promise<string[]> {
  const problems: string[] = [];
  const attempt = async (what: string, fn: () => Promise<unknown>): Promise<void> => {
    try {
      await fn();
    } catch (error) {
      problems.push(`${what}: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  const ns = namespaceOf(network);
  const port = hostPortOf(network);
  await attempt('stop dnsmasq', () => stopDnsmasq(paths));
  // Deleting one end of a veth deletes both; the namespace's destruction alone is asynchronous.
  await attempt('delete veth', async () => {
    if (await linkExists(port)) await run('ip', ['link', 'del', 'dev', port]);
  });
  await attempt('delete namespace', async () => {
    if (await namespaceExists(ns)) await run('ip', ['netns', 'del', ns]);
  });
  await attempt('remove files', async () => {
    if (keepLeases) {
      for (const f of [paths.conf, paths.dhcpHosts, paths.names, paths.pid])
        await rm(f, { force: true });
    } else {
      await rm(paths.dir, { recursive: true, force: true });
    }
  });
  return problems;
}
