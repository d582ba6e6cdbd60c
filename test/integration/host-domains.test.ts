// SPDX-License-Identifier: Apache-2.0
/**
 * Domain lifecycle and the managed libvirt connection on the real daemon: the connection
 * survives being dropped by libvirtd, libvirt errors arrive as our error codes, a hostile VM
 * name round-trips through libvirt, a failed start leaves nothing defined, and shutdown falls
 * back to power off when the guest does not react to ACPI in time. Checked with virsh and
 * virt-admin, out of band.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { parseDomainXml } from '../../libvirt/domain/domain-parse';
import { run } from '../../libvirt/exec';
import type { DomainDesc } from '../../libvirt/host-agent';
import { LocalHostAgent } from '../../libvirt/local-host-agent';
import { TINY_GUEST_MEMORY_MIB } from '../../libvirt/tiny-guest';
import { HostError, HostErrorCode } from '../../main/contract/errors';
import { GuestConsole, waitForTinyReady } from '../support/guest-console';
import { virshDumpxml, virshState } from '../support/host-inspect';
import {
  claimRunPrefix,
  hostTestSkipReason,
  releaseRunPrefix,
  runDir,
  sweepStale,
} from '../support/run-prefix';

const FAMILY = 'hd';

async function codeOf(p: Promise<unknown>): Promise<string> {
  const e = await p.then(
    () => null,
    (x: unknown) => x,
  );
  return e instanceof HostError ? e.code : `not a HostError: ${String(e)}`;
}

/** libvirtd's client ids belonging to this process (virt-admin, out of band). */
async function ourClientIds(): Promise<string[]> {
  const { stdout } = await run('virt-admin', ['srv-clients-list', 'libvirtd']);
  const ids = [...stdout.matchAll(/^\s*(\d+)\s/gm)].map((m) => m[1] ?? '');
  const ours: string[] = [];
  for (const id of ids) {
    const info = await run('virt-admin', ['client-info', 'libvirtd', id]).catch(() => ({
      stdout: '',
    }));
    if (new RegExp(`unix_process_id\\s*:\\s*${process.pid}\\b`).test(info.stdout)) ours.push(id);
  }
  return ours;
}

const skip = hostTestSkipReason();
if (skip) console.log(`host-domains.test.ts skipped: ${skip}`);

describe.skipIf(Boolean(skip))('domains and the libvirt connection', () => {
  const p = claimRunPrefix(FAMILY);
  const dir = runDir(p);
  let agent: LocalHostAgent;
  const created: string[] = [];
  // A domain's state as the engine reads it: from the host's domain list.
  const stateOf = async (uuid: string): Promise<string> =>
    (await agent.domainList()).find((d) => d.uuid === uuid)?.state ?? 'missing';

  const tiny = (name: string): DomainDesc => {
    const uuid = randomUUID();
    created.push(uuid);
    return {
      uuid,
      name,
      memoryMiB: TINY_GUEST_MEMORY_MIB,
      vcpus: 1,
      boot: { kind: 'tiny', addresses: [] },
      interfaces: [],
      serialLogPath: join(dir, `${uuid}.serial.log`),
    };
  };

  beforeAll(async () => {
    await sweepStale(FAMILY);
    agent = new LocalHostAgent({ stateDir: join(dir, 'state') });
  });

  afterAll(async () => {
    for (const uuid of created) {
      await agent.domainPowerOff(uuid).catch(() => undefined);
      await agent.domainUndefine(uuid).catch(() => undefined);
    }
    await agent.close();
    await sweepStale(FAMILY);
    releaseRunPrefix(p);
  });

  it('reconnects when libvirtd drops the connection', async () => {
    await agent.domainList();
    const before = await ourClientIds();
    expect(before.length).toBeGreaterThan(0);
    for (const id of before) await run('virt-admin', ['client-disconnect', 'libvirtd', id]);
    // The next call meets a dead connection, resets it and retries once, transparently.
    expect(Array.isArray(await agent.domainList())).toBe(true);
    const after = await ourClientIds();
    expect(after.length).toBeGreaterThan(0);
    expect(after.filter((id) => before.includes(id))).toEqual([]);
  });

  it('maps libvirt errors onto host error codes', async () => {
    const missing = randomUUID();
    expect(await stateOf(missing)).toBe('missing');
    expect(await codeOf(agent.domainShutdown(missing, 1000))).toBe(HostErrorCode.DOMAIN_NOT_FOUND);
    expect(await codeOf(agent.domainConsole(missing))).toBe(HostErrorCode.DOMAIN_NOT_FOUND);
    await expect(agent.domainUndefine(missing)).resolves.toBeUndefined();
  });

  it('a start that fails (bridge missing) reports HYPERVISOR_ERROR and leaves nothing defined', async () => {
    const desc: DomainDesc = {
      ...tiny(`${p}-nobr`),
      interfaces: [
        { mac: '52:54:00:aa:bb:01', bridge: `${p}nobr`, mtu: 1500, model: 'virtio', tap: `${p}x0` },
      ],
    };
    expect(await codeOf(agent.domainStart(desc))).toBe(HostErrorCode.HYPERVISOR_ERROR);
    expect(await virshState(desc.uuid)).toBe('missing');
  });

  it('a hostile VM name round-trips through libvirt; the console answers; shutdown is ACPI', async () => {
    const desc = tiny(`${p} it's <"a&b">`);
    await agent.domainStart(desc);
    const back = parseDomainXml(await virshDumpxml(desc.uuid));
    expect(back.name).toBe(desc.name);
    expect(back.uuid).toBe(desc.uuid);
    expect(back.serialLogPath).toBe(desc.serialLogPath);
    await waitForTinyReady(desc.serialLogPath, 120_000);

    const c = await GuestConsole.open(await agent.domainConsole(desc.uuid));
    try {
      const r = await c.run('echo "hello from $(hostname)"');
      expect(r.exitCode).toBe(0);
      expect(r.output.trim()).toBe(`hello from vm-${desc.uuid.slice(0, 8)}`);
      expect((await c.run('false')).exitCode).toBe(1);
    } finally {
      c.close();
    }
    expect(await stateOf(desc.uuid)).toBe('up');
    const t0 = Date.now();
    await agent.domainShutdown(desc.uuid, 60_000);
    expect(Date.now() - t0).toBeLessThan(60_000);
    expect(await virshState(desc.uuid)).toBe('shut off');
    await agent.domainUndefine(desc.uuid);
    expect(await virshState(desc.uuid)).toBe('missing');
  });

  it('shutdown powers off after the timeout when the guest ignores ACPI', async () => {
    const desc = tiny(`${p}-deaf`);
    await agent.domainStart(desc);
    // Right after start the guest's kernel is still booting: nothing listens to the power button.
    const t0 = Date.now();
    await agent.domainShutdown(desc.uuid, 1_500);
    const took = Date.now() - t0;
    expect(took).toBeGreaterThanOrEqual(1_500);
    expect(await virshState(desc.uuid)).toBe('shut off');
    expect(await stateOf(desc.uuid)).toBe('down');
    // Undefining a running domain is refused (it would silently become transient).
    await agent.domainStart(desc);
    expect(await codeOf(agent.domainUndefine(desc.uuid))).toBe(HostErrorCode.HYPERVISOR_ERROR);
    await agent.domainPowerOff(desc.uuid);
    await agent.domainPowerOff(desc.uuid); // already down: still fine
    await agent.domainUndefine(desc.uuid);
    expect(await virshState(desc.uuid)).toBe('missing');
  });
});
