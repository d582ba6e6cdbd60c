// SPDX-License-Identifier: Apache-2.0
/**
 * getCapabilities: NICs, bridges and their ports, the accelerator from the probe, and the
 * host facts the engine shows on the host entity (VDSM's `getCapabilities`).
 */
import { readFile } from 'node:fs/promises';
import { cpus, hostname, totalmem } from 'node:os';

import { run } from './exec';
import type { BridgeReport, HostCapabilities, HostNicReport } from './host-agent';
import { type HostNetFacts, isNic, portsOf, readHostFacts } from './network/host-facts';
import { readAccelerator } from './probe';

async function readText(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch {
    return null;
  }
}

/** Mb/s from sysfs; null when the driver does not say (virtual NICs report -1 or fail). */
async function nicSpeed(nic: string): Promise<number | null> {
  const text = await readText(`/sys/class/net/${nic}/speed`);
  const n = text === null ? NaN : Number.parseInt(text.trim(), 10);
  return Number.isFinite(n) && n > 0 ? n : null;
}

/** NICs as the engine sees them (bridges, taps, loopback excluded). */
export async function nicReports(facts: HostNetFacts): Promise<HostNicReport[]> {
  const nics = [...facts.links.values()].filter(isNic).sort((a, b) => a.name.localeCompare(b.name));
  return Promise.all(
    nics.map(async (l) => ({
      name: l.name,
      mac: l.mac,
      mtu: l.mtu,
      maxMtu: l.maxMtu,
      speedMbps: await nicSpeed(l.name),
      linkUp: l.up && l.lowerUp,
      master: l.master,
      ipv4: l.ipv4,
    })),
  );
}

/** Every bridge with its ports and addresses. */
export function bridgeReports(facts: HostNetFacts): BridgeReport[] {
  return [...facts.links.values()]
    .filter((l) => l.kind === 'bridge')
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((l) => ({
      name: l.name,
      mtu: l.mtu,
      up: l.up,
      stp: l.stp ?? false,
      ports: portsOf(facts, l.name),
      ipv4: l.ipv4,
      ipv6: l.ipv6,
    }));
}

/** `Running against daemon: 9.0.0` from virsh; 'unknown' when libvirtd does not answer. */
async function libvirtVersion(uri: string): Promise<string> {
  try {
    const { stdout } = await run('virsh', ['-c', uri, 'version', '--daemon'], {
      timeoutMs: 10_000,
    });
    return (
      /daemon:\s*(\S+)/.exec(stdout)?.[1] ??
      /library: libvirt\s+(\S+)/.exec(stdout)?.[1] ??
      'unknown'
    );
  } catch {
    return 'unknown';
  }
}

/**
 * The host's capabilities.
 * @throws HostError HOST_COMMAND_FAILED when iproute2 fails or no accelerator probe was recorded
 */
export async function readCapabilities(uri: string): Promise<HostCapabilities> {
  const [facts, cpuinfo, osRelease, version] = await Promise.all([
    readHostFacts(),
    readText('/proc/cpuinfo'),
    readText('/etc/os-release'),
    libvirtVersion(uri),
  ]);
  const cpuList = cpus();
  return {
    hostname: hostname(),
    nics: await nicReports(facts),
    bridges: bridgeReports(facts),
    accelerator: readAccelerator(),
    memoryBytes: totalmem(),
    cpus: cpuList.length,
    cpuModel:
      /^model name\s*:\s*(.+)$/m.exec(cpuinfo ?? '')?.[1]?.trim() ?? cpuList[0]?.model ?? 'unknown',
    osName: /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(osRelease ?? '')?.[1] ?? 'Linux',
    libvirtVersion: version,
  };
}
