// SPDX-License-Identifier: Apache-2.0
// What a user would do without the appliance: the raw kernel (iproute2) and plain libvirt (virsh).
// Each baseline creates the same thing ours does — a NIC-less bridge with an MTU, up — and
// removes it again, so runs can alternate with ours on a clean host.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { bridgeIsUp, run, time, waitFor } from './measure';

const VIRSH = ['-c', 'qemu:///system'];

/** `ip link add` + `ip link set mtu … up` of one bridge; returns the milliseconds taken. */
export async function kernelBridgeDeploy(name: string, mtu: number): Promise<number> {
  const ms = await time(async () => {
    await run('ip', ['link', 'add', 'name', name, 'type', 'bridge']);
    await run('ip', ['link', 'set', 'dev', name, 'mtu', String(mtu), 'up']);
    await waitFor(() => bridgeIsUp(name, mtu), 10_000, 1);
  });
  await run('ip', ['link', 'del', 'dev', name]);
  return ms;
}

/** Escapes text for an XML attribute or element. */
function xmlEscape(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/**
 * `virsh net-define` + `net-start` of an isolated libvirt network with the same MTU and no IP
 * (libvirt's closest equivalent: a network without `<forward>` and without `<ip>`).
 */
export async function libvirtNetworkDeploy(name: string, mtu: number): Promise<number> {
  const dir = await mkdtemp(join(tmpdir(), 'aio-bench-'));
  const file = join(dir, 'net.xml');
  await writeFile(
    file,
    `<network><name>${xmlEscape(name)}</name><bridge name="${xmlEscape(name)}" stp="off"/>` +
      `<mtu size="${mtu}"/></network>`,
  );
  try {
    return await time(async () => {
      await run('virsh', [...VIRSH, 'net-define', file]);
      await run('virsh', [...VIRSH, 'net-start', name]);
      await waitFor(() => bridgeIsUp(name, mtu), 10_000, 1);
    });
  } finally {
    await run('virsh', [...VIRSH, 'net-destroy', name]).catch(() => '');
    await run('virsh', [...VIRSH, 'net-undefine', name]).catch(() => '');
    await rm(dir, { recursive: true, force: true });
  }
}
