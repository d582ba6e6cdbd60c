// SPDX-License-Identifier: Apache-2.0
/**
 * setupSegmentServices end to end: canonicalize and validate the plan (plan.ts) → check the
 * bridge → either reload dnsmasq (only static leases or names changed) or (re)build the
 * namespace, veth and dnsmasq (apply.ts) → read back and verify (report.ts) → record the plan.
 * On any failure, whatever was built is taken down, the previous service is rebuilt when there
 * was one, and the original error is thrown as SETUP_NETWORKS_ROLLBACK. A null plan takes the
 * service down completely and forgets it.
 */
import { readFile, writeFile } from 'node:fs/promises';

import { HostError, HostErrorCode } from '../../main/contract/errors';
import { runJson } from '../exec';
import type { SegmentPlan, SegmentReport } from '../host-agent';
import {
  buildSegment,
  reloadDnsmasq,
  type SegmentHooks,
  startDnsmasq,
  stopDnsmasq,
  teardownSegment,
  writeServiceFiles,
} from './apply';
import { infrastructureKey, renderDnsmasqConf } from './dnsmasq-config';
import { hostPortOf, namespaceOf, segmentPaths } from './names';
import { canonicalizePlan, type CanonicalSegmentPlan } from './plan';
import type { SegmentRecord } from './recorded';
import { readSegment } from './report';

/** What the segment functions need from the agent. */
export interface SegmentContext {
  readonly stateDir: string;
  readonly record: SegmentRecord;
  readonly hooks?: SegmentHooks;
}

const describe = (e: unknown): string => (e instanceof Error ? e.message : String(e));
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Serializes segment changes in this process (one dnsmasq per network, one change at a time). */
let queue: Promise<unknown> = Promise.resolve();

function serialized<T>(fn: () => Promise<T>): Promise<T> {
  const result = queue.then(fn);
  queue = result.catch(() => undefined);
  return result;
}

/** The bridge's MTU; null when `network` is not a bridge on this host. */
async function bridgeMtu(network: string): Promise<number | null> {
  try {
    const list = (await runJson('ip', ['-d', '-json', 'link', 'show', 'dev', network])) as {
      mtu?: number;
      linkinfo?: { info_kind?: string };
    }[];
    const link = list[0];
    return link?.linkinfo?.info_kind === 'bridge' ? (link.mtu ?? null) : null;
  } catch {
    return null;
  }
}

/** Read back until the service runs (dnsmasq binds just after it forks) or 3 s pass. */
async function verify(ctx: SegmentContext, network: string): Promise<SegmentReport> {
  const paths = segmentPaths(ctx.stateDir, network);
  let report = await readSegment(network, paths, true);
  for (let i = 0; i < 30 && !report.running; i++) {
    await sleep(100);
    report = await readSegment(network, paths, true);
  }
  if (!report.running) {
    throw new HostError(
      HostErrorCode.HOST_COMMAND_FAILED,
      `segment ${network}: read-back failed: ${report.problems.join('; ')}`,
      report.problems.join('\n'),
    );
  }
  return report;
}

function canonical(network: string, plan: SegmentPlan): CanonicalSegmentPlan {
  const result = canonicalizePlan(network, plan);
  if ('problems' in result) {
    throw new HostError(
      HostErrorCode.HOST_NETWORK_INVALID,
      `segment ${network}: ${result.problems.join('; ')}`,
      result.problems.join('\n'),
    );
  }
  return result.plan;
}

async function readOr(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return null;
  }
}

/**
 * Only leases, names or DHCP options changed on a running service: rewrite the files, then
 * SIGHUP (hosts files) or restart dnsmasq (its main config). On failure the old files and
 * the old dnsmasq come back.
 */
async function reload(
  ctx: SegmentContext,
  plan: CanonicalSegmentPlan,
  pid: number,
): Promise<SegmentReport> {
  const paths = segmentPaths(ctx.stateDir, plan.network);
  const old = await Promise.all([paths.conf, paths.dhcpHosts, paths.names].map(readOr));
  const confChanged = old[0] !== renderDnsmasqConf(plan, paths);
  try {
    await writeServiceFiles(plan, paths);
    if (confChanged) {
      await stopDnsmasq(paths);
      await startDnsmasq(namespaceOf(plan.network), paths);
    } else {
      reloadDnsmasq(pid);
    }
    return await verify(ctx, plan.network);
  } catch (error) {
    const files = [paths.conf, paths.dhcpHosts, paths.names];
    for (const [i, text] of old.entries()) {
      const file = files[i];
      if (text !== null && file !== undefined) await writeFile(file, text).catch(() => undefined);
    }
    const restored = await stopDnsmasq(paths)
      .then(() => startDnsmasq(namespaceOf(plan.network), paths))
      .then(() => verify(ctx, plan.network))
      .then(
        () => 'previous service restored',
        (e: unknown) => `previous service could not be restored: ${describe(e)}`,
      );
    throw rollbackError(plan.network, error, restored);
  }
}

function rollbackError(network: string, original: unknown, note: string): HostError {
  const detail = original instanceof HostError ? original.detail : describe(original);
  return new HostError(
    HostErrorCode.SETUP_NETWORKS_ROLLBACK,
    `segment services of ${network} failed and were rolled back: ${describe(original)}`,
    `${detail}\n(rollback: ${note})`,
    { cause: original },
  );
}

/** Build from nothing (after taking down whatever is there); on failure take it all down. */
async function rebuild(
  ctx: SegmentContext,
  plan: CanonicalSegmentPlan,
  mtu: number,
  previous: { readonly plan: CanonicalSegmentPlan; readonly mtu: number } | null,
): Promise<SegmentReport> {
  const paths = segmentPaths(ctx.stateDir, plan.network);
  const leftovers = await teardownSegment(plan.network, paths, true);
  try {
    if (leftovers.length > 0) {
      throw new HostError(
        HostErrorCode.HOST_COMMAND_FAILED,
        `cannot clear the old service: ${leftovers.join('; ')}`,
      );
    }
    await buildSegment(plan, mtu, paths, ctx.hooks);
    return await verify(ctx, plan.network);
  } catch (error) {
    const problems = await teardownSegment(plan.network, paths, true);
    let note = problems.length === 0 ? 'nothing left behind' : problems.join('; ');
    if (previous !== null && problems.length === 0) {
      try {
        await buildSegment(previous.plan, previous.mtu, paths);
        await verify(ctx, plan.network);
        note = 'previous service restored';
      } catch (e) {
        const more = await teardownSegment(plan.network, paths, true);
        note = `previous service could not be restored (${describe(e)}); ${
          more.length === 0 ? 'nothing left behind' : more.join('; ')
        }`;
      }
    }
    throw rollbackError(plan.network, error, note);
  }
}

/**
 * Serve `plan` on `network` (or take the service down for null), verified.
 * @throws HostError HOST_NETWORK_INVALID (nothing touched), SETUP_NETWORKS_ROLLBACK
 */
export function setupSegment(
  ctx: SegmentContext,
  network: string,
  plan: SegmentPlan | null,
): Promise<SegmentReport> {
  return serialized(async () => {
    const paths = segmentPaths(ctx.stateDir, network);
    if (plan === null) {
      const problems = await teardownSegment(network, paths, false);
      await ctx.record.set(network, null);
      const report = await readSegment(network, paths, false);
      if (problems.length > 0 || report.problems.length > 0) {
        const all = [...problems, ...report.problems];
        throw new HostError(
          HostErrorCode.HOST_COMMAND_FAILED,
          `segment services of ${network} could not be removed completely: ${all.join('; ')}`,
          all.join('\n'),
        );
      }
      return report;
    }
    const wanted = canonical(network, plan);
    const mtu = await bridgeMtu(network);
    if (mtu === null) {
      throw new HostError(
        HostErrorCode.HOST_NETWORK_INVALID,
        `segment ${network}: there is no bridge ${network} on this host`,
      );
    }
    const recorded = (await ctx.record.read())[network];
    const before = await readSegment(network, paths, true);
    let previous: { plan: CanonicalSegmentPlan; mtu: number } | null = null;
    if (recorded !== undefined && before.running) {
      const result = canonicalizePlan(network, recorded);
      if ('plan' in result) previous = { plan: result.plan, mtu };
    }
    const samePort =
      previous !== null &&
      infrastructureKey(previous.plan, mtu) === infrastructureKey(wanted, mtu) &&
      (await portMtu(network)) === mtu;
    const report =
      samePort && before.dnsmasqPid !== null
        ? await reload(ctx, wanted, before.dnsmasqPid)
        : await rebuild(ctx, wanted, mtu, previous);
    await ctx.record.set(network, plan);
    return report;
  });
}

async function portMtu(network: string): Promise<number | null> {
  try {
    const list = (await runJson('ip', ['-json', 'link', 'show', 'dev', hostPortOf(network)])) as {
      mtu?: number;
    }[];
    return list[0]?.mtu ?? null;
  } catch {
    return null;
  }
}

/** Read back one network's service. */
export async function reportSegment(ctx: SegmentContext, network: string): Promise<SegmentReport> {
  const recorded = (await ctx.record.read())[network];
  return readSegment(network, segmentPaths(ctx.stateDir, network), recorded !== undefined);
}

/** Rebuild every recorded service (host start); a failure is reported, not thrown. */
export async function restoreSegments(ctx: SegmentContext): Promise<Record<string, SegmentReport>> {
  const out: Record<string, SegmentReport> = {};
  for (const [network, plan] of Object.entries(await ctx.record.read())) {
    try {
      out[network] = await setupSegment(ctx, network, plan);
    } catch (error) {
      const report = await reportSegment(ctx, network);
      out[network] = {
        ...report,
        running: false,
        problems: [...report.problems, describe(error)],
      };
    }
  }
  return out;
}
