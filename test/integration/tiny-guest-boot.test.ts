// SPDX-License-Identifier: Apache-2.0
/**
 * Issue 2's proof that the demo guest works: boot one real "tiny" guest under libvirt with the
 * domain type from the accelerator probe, and read its ready line from the serial log within
 * 60 s. Real libvirtd and QEMU; the domain is created through the host agent and checked out of
 * band with `virsh dumpxml`.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { HostAgent } from '../../libvirt/host-agent';
import { createLocalHostAgent } from '../../libvirt/local-host-agent';
import { readAccelerator } from '../../libvirt/probe';
import { TINY_GUEST_MEMORY_MIB } from '../../libvirt/tiny-guest';
import { waitForTinyReady } from '../support/guest-console';
import { virshDumpxml, virshState } from '../support/host-inspect';
import {
  claimRunPrefix,
  hostTestSkipReason,
  releaseRunPrefix,
  runDir,
  sweepStale,
} from '../support/run-prefix';

const FAMILY = 'hb';

const skip = hostTestSkipReason();
if (skip) console.log(`tiny-guest-boot.test.ts skipped: ${skip}`);

describe.skipIf(Boolean(skip))('tiny guest boots under libvirt', () => {
  const prefix = claimRunPrefix(FAMILY);
  const dir = runDir(prefix);
  const uuid = randomUUID();
  const name = `${prefix}-tiny`;
  const serialLogPath = join(dir, `${name}.serial.log`);
  let agent: HostAgent;

  beforeAll(async () => {
    await sweepStale(FAMILY);
    agent = createLocalHostAgent({ stateDir: join(dir, 'state') });
  });

  afterAll(async () => {
    await agent.domainPowerOff(uuid).catch(() => undefined);
    await agent.domainUndefine(uuid).catch(() => undefined);
    await agent.close();
    await sweepStale(FAMILY);
    releaseRunPrefix(prefix);
  });

  it('prints AIO-READY on the serial log within 60 s, with the probed domain type', async () => {
    const accelerator = readAccelerator();
    const started = Date.now();
    await agent.domainStart({
      uuid,
      name,
      memoryMiB: TINY_GUEST_MEMORY_MIB,
      vcpus: 1,
      boot: { kind: 'tiny', addresses: [] },
      interfaces: [],
      serialLogPath,
    });
    const xml = await virshDumpxml(uuid);
    expect(xml).toMatch(new RegExp(`<domain type='${accelerator === 'kvm' ? 'kvm' : 'qemu'}'`));
    expect(await virshState(uuid)).toBe('running');

    const ready = await waitForTinyReady(serialLogPath, 60_000);
    const seconds = (Date.now() - started) / 1000;
    expect(ready.name).toBe(name);
    expect(seconds).toBeLessThan(60);
    console.log(`tiny guest ready after ${seconds.toFixed(1)} s (accelerator ${accelerator})`);
  });
});
