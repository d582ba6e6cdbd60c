// SPDX-License-Identifier: Apache-2.0
/**
 * The bundled debian-12 guest boots from its own disk through its own boot loader, as the
 * engine will run it: the cached image is copied into a storage domain (a template's disk), a
 * thin qcow2 overlay is made on it (a VM's disk), and the domain boots from that disk (no
 * kernel on the domain XML). It must reach the `login:` prompt on the serial console. One boot
 * only: about a minute under TCG.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  DEBIAN_GUEST_MEMORY_MIB,
  DEBIAN_GUEST_NAME,
  readDebianGuest,
} from '../../libvirt/debian-guest';
import { parseDomainXml } from '../../libvirt/domain/domain-parse';
import type { DomainDesc } from '../../libvirt/host-agent';
import { LocalHostAgent } from '../../libvirt/local-host-agent';
import { virshDumpxml } from '../support/host-inspect';
import {
  claimRunPrefix,
  hostTestSkipReason,
  releaseRunPrefix,
  runDir,
  sweepStale,
} from '../support/run-prefix';

const FAMILY = 'dg';
const BOOT_LIMIT_MS = 300_000;

const sleep = (ms: number): Promise<void> =>
  new Promise((resolve) => {
    setTimeout(resolve, ms);
  });

async function sha256(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Wait for `pattern` anywhere in the serial log (a prompt has no newline after it). */
async function waitForSerialText(
  path: string,
  pattern: RegExp,
  timeoutMs: number,
): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let text = '';
  while (Date.now() < deadline) {
    text = await readFile(path, 'utf8').catch(() => '');
    if (pattern.test(text)) return text;
    await sleep(500);
  }
  throw new Error(
    `no ${String(pattern)} on the serial console within ${timeoutMs} ms; tail: ${JSON.stringify(text.slice(-1500))}`,
  );
}

const hostSkip = hostTestSkipReason();
const image = readDebianGuest();
const skip =
  hostSkip ||
  (image === null ? `the ${DEBIAN_GUEST_NAME} image is not built (run npm run setup)` : false);
if (skip) console.log(`debian-guest-boot.test.ts skipped: ${skip}`);

describe.skipIf(Boolean(skip))(`${DEBIAN_GUEST_NAME} boots from its own disk`, () => {
  const p = claimRunPrefix(FAMILY);
  const dir = runDir(p);
  // Not under /tmp/aio-test's tmpfs-free assumption only: cache=none needs O_DIRECT.
  const sd = join(dir, 'sd');
  const uuid = crypto.randomUUID();
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

  it('is reported as a bundled image, and a thin VM on it reaches login: on ttyS0', async () => {
    if (image === null) throw new Error('unreachable: skipped above');
    const [bundled] = await agent.bundledImages();
    expect(bundled).toMatchObject({
      name: DEBIAN_GUEST_NAME,
      path: image.path,
      format: 'qcow2',
      hash: image.hash,
    });
    expect(await agent.checkVolume(image.path, 'qcow2').catch((e: unknown) => e)).toBeInstanceOf(
      Error, // outside every storage domain: the agent checks only what it may write to
    );

    const template = await agent.copyVolume({
      source: image.path,
      sourceFormat: 'qcow2',
      target: join(sd, 'images', 'template', 'v1'),
      format: 'qcow2',
    });
    expect(await agent.checkVolume(template.path, 'qcow2')).toMatchObject({
      virtualSize: image.virtualSize,
      backingPath: null,
    });
    const templateSum = await sha256(template.path);
    const disk = await agent.createVolume({
      path: join(sd, 'images', 'vm', 'v1'),
      format: 'qcow2',
      sizeBytes: 0,
      backing: { path: template.path, format: 'qcow2' },
    });

    const desc: DomainDesc = {
      uuid,
      name: `${p}debian`,
      memoryMiB: DEBIAN_GUEST_MEMORY_MIB,
      vcpus: 1,
      boot: { kind: 'disks' },
      interfaces: [],
      disks: [
        { path: disk.path, format: 'qcow2', bus: 'virtio', bootable: true, serial: 'debian-os' },
      ],
      serialLogPath: join(dir, 'debian.serial.log'),
    };
    const started = Date.now();
    await agent.domainStart(desc);
    const live = parseDomainXml(await virshDumpxml(desc.name));
    expect(live.boot).toEqual({ kind: 'disks' });
    const text = await waitForSerialText(desc.serialLogPath, /^\S+ login: /m, BOOT_LIMIT_MS);
    const seconds = (Date.now() - started) / 1000;
    console.log(`${DEBIAN_GUEST_NAME}: domain start to login: in ${seconds.toFixed(1)} s`);
    // Its own boot loader and kernel, its own root file system, systemd, the serial getty.
    expect(text).toMatch(/Linux version \S+-cloud-amd64/);
    expect(text).toContain(`root=UUID=`);
    expect(text).toMatch(/Debian GNU\/Linux 12/);

    await agent.domainPowerOff(uuid);
    // The guest wrote only into its overlay.
    expect(await sha256(template.path)).toBe(templateSum);
    expect((await agent.volumeInfo(disk.path, 'qcow2')).actualSize).toBeGreaterThan(
      disk.actualSize,
    );
  });
});
