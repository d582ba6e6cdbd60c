// SPDX-License-Identifier: Apache-2.0
/**
 * Read back: compare what the host reports with the definition (oVirt's
 * `ReportedConfiguration`s, `in_sync`) and store it on the attachments.
 */
import type { Tx } from '../../../db/client';
import { networkAttachmentsRepo } from '../../../db/repos/network-attachments.repo';
import { nowIso } from '../../../db/repos/rows';
import { type DriftField, networkDrift, type ReportedNetwork } from '../../../libvirt/host-agent';
import type { ReportedConfiguration } from '../../contract/network-attachments';
import type { Network } from '../../contract/networks';
import type { EngineServices } from '../context';
import { hostFailure } from '../intents';
import { effectiveMtu, hostDesiredState } from './desired-state';

const rc = (
  name: ReportedConfiguration['name'],
  expected: string,
  actual: string,
  inSync = expected === actual,
): ReportedConfiguration => ({ name, expectedValue: expected, actualValue: actual, inSync });

/**
 * Compare the definition with the host's report (oVirt `ReportedConfiguration`s). Whether it
 * is in sync is decided once, by the host layer's {@link networkDrift} (issue 14); the
 * configurations show each value with the verdict of the drift field that covers it.
 */
export function reportedConfigurations(
  network: Network,
  nicName: string | null,
  report: ReportedNetwork,
): { inSync: boolean; configurations: ReportedConfiguration[] } {
  const drift = networkDrift(
    { ...(nicName === null ? {} : { nic: nicName }), mtu: network.mtu, stp: network.stp },
    report,
  );
  const off = new Set<DriftField>(drift.map((d) => d.field));
  const ok = (...fields: DriftField[]): boolean => !fields.some((f) => off.has(f));
  const ports = [...(report.nic === null ? [] : [report.nic]), ...report.taps];
  const configurations = [
    rc('exists', 'true', String(report.exists), ok('missing')),
    rc(
      'mtu',
      String(effectiveMtu(network.mtu)),
      report.mtu === null ? '' : String(report.mtu),
      ok('missing', 'mtu'),
    ),
    rc('bridged', 'true', String(report.bridged), ok('missing')),
    ...(report.stp === null
      ? []
      : [rc('stp', String(network.stp), String(report.stp), ok('missing', 'stp'))]),
    // The uplink is what must match; VM taps come and go and are shown for information.
    rc('ports', nicName ?? '', ports.join(','), ok('missing', 'nic', 'ports')),
    ...(report.exists ? isolationConfigurations(report, ok) : []),
  ];
  return { inSync: drift.length === 0, configurations };
}

/**
 * Isolation drift (issue 13 item 6): the host layer keeps every bridge without host addresses,
 * up, and with the sysctls that make the host answer nothing on it; anything else is out of sync.
 */
function isolationConfigurations(
  report: ReportedNetwork,
  ok: (...fields: DriftField[]) => boolean,
): ReportedConfiguration[] {
  const out = [
    rc('ipv4_address', '', report.ipv4.join(','), report.ipv4.length === 0),
    rc('ipv6_address', '', report.ipv6.join(','), report.ipv6.length === 0),
  ];
  if (report.up !== undefined)
    out.push(rc('link_state', 'up', report.up ? 'up' : 'down', ok('down')));
  if (report.ipv6Disabled !== undefined && report.ipv4HostBlocked !== undefined) {
    const actual = [
      ...(report.ipv6Disabled ? [] : ['ipv6 enabled']),
      ...(report.ipv4HostBlocked ? [] : ['host answers arp or rp_filter off']),
    ];
    out.push(
      rc(
        'isolation',
        'host unreachable',
        actual.join(', ') || 'host unreachable',
        actual.length === 0,
      ),
    );
  }
  return out;
}

/** Store host reports on the matching attachments (by on-host name). */
export function storeReports(
  tx: Tx,
  hostId: string,
  reports: Record<string, ReportedNetwork>,
): void {
  if (Object.keys(reports).length === 0) return;
  const at = nowIso();
  for (const [name, d] of hostDesiredState(tx, hostId)) {
    const report = reports[name];
    if (!report) continue;
    const { inSync, configurations } = reportedConfigurations(d.network, d.nicName, report);
    networkAttachmentsRepo.report(tx, d.attachmentId, {
      inSync,
      reportedConfigurations: configurations,
      reportedAt: at,
    });
  }
}

/** Ask the host how every attached network looks now and store it (in_sync, reports). */
export async function refreshReports(ctx: EngineServices, hostId: string): Promise<void> {
  const names = [...hostDesiredState(ctx.database.db, hostId).keys()];
  if (names.length === 0) return;
  const reports = await ctx.host.reportNetworks(names).catch((e: unknown) => {
    throw hostFailure(e);
  });
  ctx.database.transaction((tx) => {
    storeReports(tx, hostId, reports);
  });
}
