// SPDX-License-Identifier: Apache-2.0
/**
 * Reads of the segment services (issue 12): `GetNetworkSegment` (the service of a network,
 * read back from the host, with planned and held leases) and `GetVmReportedDevices` (oVirt's
 * `/vms/{id}/reporteddevices`: the addresses each vNIC holds, from dnsmasq's leases). A host
 * that cannot be read gives a report with the problem, not a fault: these are status reads.
 */
import { createHash } from 'node:crypto';

import { networkAttachmentsRepo } from '../../../db/repos/network-attachments.repo';
import { networksRepo, vnicProfilesRepo } from '../../../db/repos/networks.repo';
import { vmNicsRepo, vmsRepo } from '../../../db/repos/vms.repo';
import type { SegmentLease } from '../../../libvirt/host-agent';
import type { NetworkSegment, ReportedDevice, SegmentLeaseView } from '../../contract/networks';
import type { Query } from '../command';
import type { EngineContext } from '../context';
import { must } from '../queries/must';
import { desiredSegment } from './segment-plan';

const describe = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** Leases the host's dnsmasq holds for a network; null when the host cannot say. */
async function heldLeases(ctx: EngineContext, vdsmName: string): Promise<SegmentLease[] | null> {
  return ctx.host.segmentLeases(vdsmName).catch(() => null);
}

export const GetNetworkSegment: Query<'GetNetworkSegment'> = async (ctx, i) => {
  const c = ctx.database.db;
  const network = must(networksRepo.findById(c, i.id), 'network', i.id);
  const desired = desiredSegment(c, network);
  const off: NetworkSegment = {
    networkId: network.id,
    enabled: false,
    running: false,
    serviceAddress: null,
    problems: [],
    leases: [],
  };
  if (desired === null) return off;
  const problems = [...desired.problems];
  const deployed = networkAttachmentsRepo
    .listByNetwork(c, network.id)
    .some((a) => a.hostId === ctx.localHostId);
  let running = false;
  let held: SegmentLease[] = [];
  if (!deployed) {
    problems.unshift('the network is not deployed on the host (attach it to a cluster)');
  } else {
    try {
      const report = await ctx.host.reportSegmentServices(network.vdsmName);
      running = report.running;
      problems.unshift(...report.problems);
    } catch (e) {
      problems.unshift(`the host cannot report the service: ${describe(e)}`);
    }
    held = (await heldLeases(ctx, network.vdsmName)) ?? [];
  }
  const heldByMac = new Map(held.map((l) => [l.mac.toLowerCase(), l]));
  const leases: SegmentLeaseView[] = desired.leases.map((l) => {
    const h = heldByMac.get(l.mac);
    return {
      mac: l.mac,
      ip: l.ip,
      vmId: l.vmId,
      vmName: l.vmName,
      nicName: l.nicName,
      source: l.source,
      leased: h !== undefined && h.ip === l.ip,
      expiresAt: h?.expiresAt ?? null,
    };
  });
  const planned = new Set(desired.leases.map((l) => l.mac));
  for (const h of held) {
    if (planned.has(h.mac.toLowerCase())) continue;
    leases.push({
      mac: h.mac.toLowerCase(),
      ip: h.ip,
      vmId: null,
      vmName: h.hostname,
      nicName: null,
      source: 'dynamic',
      leased: true,
      expiresAt: h.expiresAt,
    });
  }
  return {
    networkId: network.id,
    enabled: true,
    running,
    serviceAddress: desired.plan.serviceAddress ?? null,
    problems,
    leases,
  };
};

/** A stable id per VM and MAC (oVirt derives reported-device ids from the device too). */
function reportedDeviceId(vmId: string, mac: string): string {
  const h = createHash('sha256').update(`${vmId}/${mac}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export const GetVmReportedDevices: Query<'GetVmReportedDevices'> = async (ctx, i) => {
  const c = ctx.database.db;
  const vm = must(vmsRepo.findById(c, i.id), 'vm', i.id);
  // oVirt reports guest data of running VMs only.
  if (vm.status === 'down' || vm.status === 'image_locked') return [];
  const out: ReportedDevice[] = [];
  const leasesOf = new Map<string, SegmentLease[]>();
  for (const nic of vmNicsRepo.listByVm(c, vm.id)) {
    if (nic.vnicProfileId === null) continue;
    const profile = vnicProfilesRepo.findById(c, nic.vnicProfileId);
    const network = profile ? networksRepo.findById(c, profile.networkId) : null;
    if (!network || (network.addressPlan ?? null) === null) continue;
    let leases = leasesOf.get(network.vdsmName);
    if (!leases) {
      leases = (await heldLeases(ctx, network.vdsmName)) ?? [];
      leasesOf.set(network.vdsmName, leases);
    }
    const mac = nic.mac.toLowerCase();
    const ips = leases
      .filter((l) => l.mac.toLowerCase() === mac)
      .map((l) => ({ address: l.ip, version: 'v4' as const }));
    if (ips.length === 0) continue;
    out.push({
      id: reportedDeviceId(vm.id, mac),
      name: nic.name,
      description: 'guest reported data',
      type: 'network',
      mac,
      ips,
      vmId: vm.id,
      nicId: nic.id,
    });
  }
  return out;
};
