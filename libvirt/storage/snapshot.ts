// SPDX-License-Identifier: Apache-2.0
/**
 * Live external disk-only snapshot of a running domain: each named disk switches onto a new
 * qcow2 overlay whose backing file is the volume it used so far (oVirt's live snapshot without
 * memory).
 *
 * Done through libvirt (`virsh snapshot-create-as --disk-only --atomic --no-metadata`), not
 * through raw QMP (`virsh qemu-monitor-command` + blockdev-snapshot): libvirt then knows the new
 * chain, updates its live and persistent XML, labels and locks the new file, and with `--atomic`
 * rolls every disk back if one fails (a QMP `transaction` behind libvirt's back would leave
 * libvirt describing the old files, and the domain tainted). Nothing here depends on KVM: the
 * switch happens in QEMU's block layer, so it works the same under TCG. `--no-metadata`: the
 * engine keeps the snapshot records; libvirt keeps none that could drift from them.
 *
 * @see https://libvirt.org/formatsnapshot.html
 */
import { rm } from 'node:fs/promises';

import { HostError, HostErrorCode } from '../../main/contract/errors';
import { parseDomainDisks } from '../domain/domain-parse';
import { run } from '../exec';
import { requireRegularIfExists } from './paths';
import { requireSpace } from './space';
import type { StorageDomains } from './storage-domains';

/** Room one new overlay takes before the guest writes to it (header, tables). */
const OVERLAY_BYTES = 1024 * 1024;

/** virsh's --diskspec is comma-separated; a comma inside a value is written twice. */
export function diskspec(target: string, fields: Readonly<Record<string, string>>): string {
  const esc = (v: string): string => v.replace(/,/g, ',,');
  return [esc(target), ...Object.entries(fields).map(([k, v]) => `${k}=${esc(v)}`)].join(',');
}

/**
 * The `virsh snapshot-create-as` arguments: every disk of the domain is named, with
 * `snapshot=no` for the ones that keep their volume (else libvirt would snapshot them too).
 */
export function snapshotArgs(
  uri: string,
  uuid: string,
  disks: readonly { readonly target: string; readonly overlayPath: string | null }[],
): string[] {
  const args = [
    '-c',
    uri,
    'snapshot-create-as',
    '--domain',
    uuid,
    '--disk-only',
    '--atomic',
    '--no-metadata',
  ];
  for (const disk of disks) {
    args.push(
      '--diskspec',
      disk.overlayPath === null
        ? diskspec(disk.target, { snapshot: 'no' })
        : diskspec(disk.target, {
            snapshot: 'external',
            driver: 'qcow2',
            file: disk.overlayPath,
          }),
    );
  }
  return args;
}

/** @see HostAgent.domainSnapshotDisks */
export async function snapshotDomainDisks(
  domains: StorageDomains,
  uri: string,
  uuid: string,
  liveXml: string,
  requested: readonly { readonly currentPath: string; readonly overlayPath: string }[],
): Promise<void> {
  if (requested.length === 0) return;
  const live = parseDomainDisks(liveXml);
  const overlays = new Map<string, string>();
  for (const { currentPath, overlayPath } of requested) {
    const target = await domains.resolve(overlayPath);
    if (await requireRegularIfExists(target.path))
      throw new HostError(HostErrorCode.VOLUME_EXISTS, `volume ${overlayPath} already exists`);
    await requireSpace(target.domainDir, OVERLAY_BYTES);
    const current = await domains.resolve(currentPath);
    const disk = live.find((d) => d.path === currentPath || d.path === current.path);
    if (disk === undefined)
      throw new HostError(
        HostErrorCode.HYPERVISOR_ERROR,
        `domain ${uuid} has no disk on ${currentPath}`,
      );
    if (overlays.has(disk.target))
      throw new HostError(HostErrorCode.HYPERVISOR_ERROR, `${currentPath} is named twice`);
    overlays.set(disk.target, target.path);
  }
  const args = snapshotArgs(
    uri,
    uuid,
    live.map((d) => ({ target: d.target, overlayPath: overlays.get(d.target) ?? null })),
  );
  try {
    await run('virsh', args, { timeoutMs: 120_000 });
  } catch (error) {
    // --atomic: no disk switched. Remove any overlay file libvirt may have created first.
    await Promise.all([...overlays.values()].map((p) => rm(p, { force: true })));
    if (error instanceof HostError && error.code === HostErrorCode.HOST_COMMAND_FAILED)
      throw new HostError(
        HostErrorCode.HYPERVISOR_ERROR,
        `live snapshot of domain ${uuid} failed`,
        error.detail,
        { cause: error },
      );
    throw error;
  }
}
