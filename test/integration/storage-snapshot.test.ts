// SPDX-License-Identifier: Apache-2.0
/**
 * Live disk-only snapshot on the real daemon: a running tiny guest with two qcow2 data disks
 * (in a prepared storage domain) switches one of them onto a new overlay. Checked out of band:
 * `virsh dumpxml` shows the overlay as the disk's source with the old volume as its backing
 * store, `qemu-img info` shows the same chain, the other disk is untouched, and the domain is
 * still running. Bad requests change nothing.
 */
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { parseDomainDisks } from '../../libvirt/domain/domain-parse';
import { run } from '../../libvirt/exec';
import type { DomainDesc } from '../../libvirt/host-agent';
import { LocalHostAgent } from '../../libvirt/local-host-agent';
import { TINY_GUEST_MEMORY_MIB } from '../../libvirt/tiny-guest';
import { HostError } from '../../main/contract/errors';
import { waitForTinyReady } from '../support/guest-console';
import { virshDumpxml, virshState } from '../support/host-inspect';
import {
  claimRunPrefix,
  hostTestSkipReason,
  releaseRunPrefix,
  runDir,
  sweepStale,
} from '../support/run-prefix';

const FAMILY = 'sn';
const MiB = 1024 * 1024;

async function codeOf(p: Promise<unknown>): Promise<string> {
  const e = await p.then(
    () => null,
    (x: unknown) => x,
  );
  return e instanceof HostError ? e.code : `not a HostError: ${String(e)}`;
}

const skip = hostTestSkipReason();
if (skip) console.log(`storage-snapshot.test.ts skipped: ${skip}`);

describe.skipIf(Boolean(skip))('live disk-only snapshot', () => {
  const p = claimRunPrefix(FAMILY);
  const dir = runDir(p);
  const sd = join(dir, 'sd');
  const uuid = randomUUID();
  let agent: LocalHostAgent;

  beforeAll(async () => {
    await sweepStale(FAMILY);
    agent = new LocalHostAgent({ stateDir: join(dir, 'state') });
    await agent.prepareStorageDomain(sd);
  });

  afterAll(async () => {
    await agent.domainPowerOff(uuid).catch(() => undefined);
    await agent.domainUndefine(uuid).catch(() => undefined);
    await agent.close();
    releaseRunPrefix(p);
  });

  it('switches a running domain disk onto a new overlay, and only that disk', async () => {
    const data = join(sd, 'images', 'data', 'v1');
    const other = join(sd, 'images', 'other', 'v1');
    await agent.createVolume({ path: data, format: 'qcow2', sizeBytes: 16 * MiB });
    await agent.createVolume({ path: other, format: 'qcow2', sizeBytes: 16 * MiB });
    const desc: DomainDesc = {
      uuid,
      name: `${p}snap`,
      memoryMiB: TINY_GUEST_MEMORY_MIB,
      vcpus: 1,
      boot: { kind: 'tiny', addresses: [] },
      interfaces: [],
      disks: [
        { path: data, format: 'qcow2', bus: 'virtio', bootable: false, serial: 'data' },
        { path: other, format: 'qcow2', bus: 'virtio_scsi', bootable: false, serial: 'other' },
      ],
      serialLogPath: join(dir, 'snap.serial.log'),
    };
    // A disk outside every storage domain never reaches libvirt.
    const stray = join(dir, 'stray.qcow2');
    await run('qemu-img', ['create', '-q', '-f', 'qcow2', stray, '1M']);
    expect(
      await codeOf(
        agent.domainStart({
          ...desc,
          disks: [{ path: stray, format: 'qcow2', bus: 'virtio', bootable: false, serial: 's' }],
        }),
      ),
    ).toBe('STORAGE_PATH_INVALID');
    expect(await virshState(desc.name)).toBe('missing');

    await agent.domainStart(desc);
    await waitForTinyReady(desc.serialLogPath, 120_000);

    const overlay = join(sd, 'images', 'data', 'v2');
    // Refused without change: an overlay outside the domain, a disk the domain does not have.
    expect(
      await codeOf(
        agent.domainSnapshotDisks(uuid, [{ currentPath: data, overlayPath: join(dir, 'x') }]),
      ),
    ).toBe('STORAGE_PATH_INVALID');
    expect(
      await codeOf(
        agent.domainSnapshotDisks(uuid, [
          { currentPath: join(sd, 'images', 'nope'), overlayPath: overlay },
        ]),
      ),
    ).toBe('HYPERVISOR_ERROR');
    expect(existsSync(overlay)).toBe(false);

    await agent.domainSnapshotDisks(uuid, [{ currentPath: data, overlayPath: overlay }]);
    expect(await virshState(desc.name)).toBe('running');
    const live = await virshDumpxml(desc.name);
    const disks = parseDomainDisks(live);
    expect(disks.map((d) => [d.target, d.path, d.format])).toEqual([
      ['vda', overlay, 'qcow2'],
      ['sda', other, 'qcow2'],
    ]);
    // libvirt records the chain: the old volume is now the overlay's backing store.
    expect(live).toMatch(
      new RegExp(`<backingStore type=.file.[^>]*>[\\s\\S]*?<source file=.${data}.`),
    );
    const info = JSON.parse(
      (await run('qemu-img', ['info', '-U', '--output=json', overlay])).stdout,
    ) as { format: string; 'full-backing-filename'?: string; 'virtual-size': number };
    expect(info).toMatchObject({
      format: 'qcow2',
      'full-backing-filename': data,
      'virtual-size': 16 * MiB,
    });
    expect((await agent.volumeInfo(overlay, 'qcow2')).backingPath).toBe(data);
    expect((await agent.volumeInfo(other, 'qcow2')).backingPath).toBeNull();

    // The same overlay twice: it exists now, nothing changes.
    expect(
      await codeOf(
        agent.domainSnapshotDisks(uuid, [{ currentPath: overlay, overlayPath: overlay }]),
      ),
    ).toBe('VOLUME_EXISTS');

    await agent.domainPowerOff(uuid);
    expect(
      await codeOf(
        agent.domainSnapshotDisks(uuid, [
          { currentPath: overlay, overlayPath: join(sd, 'images', 'data', 'v3') },
        ]),
      ),
    ).toBe('HYPERVISOR_ERROR');
  });
});
