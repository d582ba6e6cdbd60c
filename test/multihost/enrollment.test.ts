// SPDX-License-Identifier: Apache-2.0
/**
 * Issue 17, must-show 1 and the first half of 4, on simulated hosts: host B (its own network
 * namespace, its own libvirtd, its own host agent, joined to the engine's machine by an
 * underlay bridge with nothing else on it) enrolls with a one-time token; an engine it cannot
 * pin, an untrusted certificate and a reused token are refused; B's agent killed → B
 * `non_responsive` within seconds and its VM `unknown`; the agent back → B re-validated, `up`.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { connectRemoteHostAgent } from '../../libvirt/agent-server/client';
import { serveHostAgent } from '../../libvirt/agent-server/server';
import { createLocalHostAgent } from '../../libvirt/local-host-agent';
import { type ErrorBody, HostErrorCode } from '../../main/contract/errors';
import type { HostEnrollment } from '../../main/contract/host-lifecycle';
import type { Host } from '../../main/contract/hosts';
import type { OpInput, OpName, OpOutput } from '../../main/contract/operations';
import { createEngine, type StartedEngine } from '../../main/engine/dispatch';
import { ADMIN, must } from '../fixtures/engine-harness';
import { claimRunPrefix, releaseRunPrefix, runDir } from '../support/run-prefix';
import {
  createSimHost,
  createUnderlay,
  type SimHost,
  simHostsUnavailable,
  sweepSimHosts,
  type Underlay,
} from './sim-hosts';
import { foreignCertificate, pingAs } from './tls-peers';

const FAMILY = 'mh';
const unavailable = await simHostsUnavailable();
if (unavailable) console.log(`enrollment.test.ts skipped: ${unavailable}`);

let prefix = '';
let dir = '';
let underlay: Underlay | null = null;
let hostB: SimHost | null = null;
let engine: StartedEngine | null = null;
let enrollment: HostEnrollment | null = null;

const ok = async <K extends OpName>(op: K, input: OpInput<K>): Promise<OpOutput<K>> => {
  const r = await must(engine).invoke(ADMIN, op, input);
  if (!r.ok) throw new Error(`${op} failed: ${r.error.code} ${r.error.messages.join(' ')}`);
  return r.result;
};
const err = async <K extends OpName>(op: K, input: OpInput<K>): Promise<ErrorBody> => {
  const r = await must(engine).invoke(ADMIN, op, input);
  if (r.ok) throw new Error(`${op} unexpectedly succeeded`);
  return r.error;
};
const hostById = (id: string): Promise<Host> => ok('GetHostById', { id });

/** Poll until `host` has `status`; returns the milliseconds it took. */
async function waitForStatus(
  id: string,
  status: Host['status'],
  timeoutMs: number,
): Promise<number> {
  const t0 = Date.now();
  let last: Host | null = null;
  while (Date.now() - t0 < timeoutMs) {
    last = await hostById(id);
    if (last.status === status) return Date.now() - t0;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`host ${id} not ${status} within ${timeoutMs} ms: ${JSON.stringify(last)}`);
}

describe.skipIf(Boolean(unavailable))('remote hosts on simulated hosts', () => {
  beforeAll(async () => {
    const live = (p: string): boolean => {
      try {
        process.kill(Number(readFileSync(join('/tmp/aio-test-prefixes', p), 'utf8')), 0);
        return true;
      } catch {
        return false;
      }
    };
    await sweepSimHosts(FAMILY, live);
    prefix = claimRunPrefix(FAMILY);
    dir = runDir(prefix);
    const octet = 16 + (parseInt(prefix.slice(2), 36) % 200);
    underlay = await createUnderlay(prefix, octet);
    const engineAddress = `${underlay.net}.1`;
    await underlay.plug(null, `${prefix}a`, '', engineAddress);
    hostB = await createSimHost(prefix, underlay, 'b', `${underlay.net}.2`, dir);
    engine = await createEngine({
      dataDir: join(dir, 'engine'),
      hostAgent: createLocalHostAgent({ stateDir: join(dir, 'local-host') }),
      adminPassword: 'secret',
      lockTimeoutMs: 5_000,
      hostEnrollmentListen: `${engineAddress}:0`,
      remoteHostCheckIntervalMs: 500,
      connectRemoteHost: connectRemoteHostAgent,
    });
  });
  afterAll(async () => {
    await engine?.close();
    await hostB?.destroy();
    await underlay?.destroy();
    if (prefix) releaseRunPrefix(prefix);
  });

  it('adds host B (installing) with a one-time token; the local host cannot be removed', async () => {
    const b = must(hostB);
    enrollment = await ok('AddHost', { name: `${prefix}-b`, address: b.address });
    expect(enrollment.host.status).toBe('installing');
    expect(enrollment.token.length).toBeGreaterThanOrEqual(40);
    expect(enrollment.caHash).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(enrollment.engineAddress).toMatch(
      new RegExp(`^${must(underlay).net.replace(/\./g, '\\.')}\\.1:\\d+$`),
    );
    expect(enrollment.command).toContain(`--token=${enrollment.token}`);
    // Bad input: clear faults, nothing added.
    expect((await err('AddHost', { name: `${prefix}-b`, address: '10.9.9.9' })).code).toBe(
      'ACTION_TYPE_FAILED_NAME_ALREADY_USED',
    );
    expect((await err('AddHost', { name: `${prefix}-c`, address: b.address })).code).toBe(
      'ACTION_TYPE_FAILED_VDS_WITH_SAME_HOST_EXIST',
    );
    expect((await err('AddHost', { name: `${prefix}-c`, address: 'not an address!' })).code).toBe(
      'ACTION_TYPE_FAILED_HOST_ADDRESS_INVALID',
    );
    // Nothing to activate before the agent enrolled.
    expect((await err('ActivateHost', { hostId: enrollment.host.id })).code).toBe(
      'ACTION_TYPE_FAILED_VDS_STATUS_ILLEGAL',
    );
    const hosts = await ok('GetAllHosts', {});
    expect(hosts).toHaveLength(2);
    const local = must(hosts.find((h) => h.id !== enrollment?.host.id));
    const refused = await err('RemoveHost', { hostId: local.id });
    expect(refused.code).toBe('VDS_CANNOT_REMOVE_LOCAL_HOST');
    expect(refused.category).toBe('CONFLICT');
  });

  it('a host refuses to enroll with an engine whose CA does not match the hash it was given', async () => {
    const e = must(enrollment);
    const wrongHash = `sha256:${'0'.repeat(64)}`;
    const r = await must(hostB).startAgent({
      engine: must(e.engineAddress),
      token: e.token,
      caHash: wrongHash,
      stateDir: join(dir, 'b-wrong-ca'),
    });
    expect(r.serving).toBe(false);
    expect(r.output).toContain('does not hold the CA');
    // The token was never sent, so it is still good: B is still waiting for it.
    expect((await hostById(e.host.id)).status).toBe('installing');
  });

  it('host B enrolls with its token and comes up, re-validated over mutual TLS', async () => {
    const e = must(enrollment);
    const r = await must(hostB).startAgent({
      engine: must(e.engineAddress),
      token: e.token,
      caHash: e.caHash,
    });
    expect(r.serving, r.output).toBe(true);
    const took = await waitForStatus(e.host.id, 'up', 60_000);
    console.log(`host B up ${took} ms after its agent started`);
    // Activation ran against B's own host layer: its NIC is B's underlay eth0, not ours.
    const nics = await ok('GetHostNicsByHostId', { hostId: e.host.id });
    expect(nics.map((n) => n.name)).toContain('eth0');
    expect(nics.find((n) => n.name === 'eth0')?.ipv4).toContain(`${must(hostB).address}/24`);
    const b = await hostById(e.host.id);
    expect(b.libvirtVersion).not.toBe('');
    // The agent's key never left B; its certificate names B's engine id.
    const cert = readFileSync(join(must(hostB).stateDir, 'pki', 'cert.pem'), 'utf8');
    const { X509Certificate } = await import('node:crypto');
    expect(new X509Certificate(cert).subject).toBe(`CN=host:${e.host.id}`);
  });

  it('a reused token is refused', async () => {
    const e = must(enrollment);
    const r = await must(hostB).startAgent({
      engine: must(e.engineAddress),
      token: e.token,
      caHash: e.caHash,
      stateDir: join(dir, 'b-again'),
    });
    expect(r.serving).toBe(false);
    expect(r.output).toMatch(/refused the enrollment \(403\): unknown or already used/);
    expect((await hostById(e.host.id)).status).toBe('up');
  });

  it("B's agent answers only the engine: untrusted, missing or host certificates are refused", async () => {
    const b = must(hostB);
    const foreignDir = join(dir, 'foreign');
    mkdirSync(foreignDir, { recursive: true });
    // The engine's own CN, but from a CA the host does not trust.
    const forged = await foreignCertificate(foreignDir, 'aio-engine');
    expect((await pingAs(b.address, 54321, forged)).answered).toBe(false);
    expect((await pingAs(b.address, 54321, null)).answered).toBe(false);
    // Signed by the engine CA, but a host's certificate: hosts may not drive each other.
    const hostCert = {
      key: readFileSync(join(b.stateDir, 'pki', 'key.pem'), 'utf8'),
      cert: readFileSync(join(b.stateDir, 'pki', 'cert.pem'), 'utf8'),
    };
    expect((await pingAs(b.address, 54321, hostCert)).answered).toBe(false);
    // Control: the engine's certificate is answered.
    const pki = join(dir, 'engine', 'pki');
    const engineCert = {
      key: readFileSync(join(pki, 'engine-key.pem'), 'utf8'),
      cert: readFileSync(join(pki, 'engine.pem'), 'utf8'),
    };
    expect((await pingAs(b.address, 54321, engineCert)).answered).toBe(true);
  });

  it('the engine refuses an agent whose certificate is untrusted or names another host', async () => {
    const pki = join(dir, 'engine', 'pki');
    const tls = {
      key: readFileSync(join(pki, 'engine-key.pem'), 'utf8'),
      cert: readFileSync(join(pki, 'engine.pem'), 'utf8'),
      ca: readFileSync(join(pki, 'ca.pem'), 'utf8'),
    };
    const e = must(enrollment);
    const foreignDir = join(dir, 'foreign-agent');
    mkdirSync(foreignDir, { recursive: true });
    const impostor = await foreignCertificate(foreignDir, `host:${e.host.id}`);
    const agent = createLocalHostAgent({ stateDir: join(dir, 'impostor-state') });
    const served = await serveHostAgent(agent, { ...impostor }, { host: '127.0.0.1', port: 0 });
    // B's real certificate (engine CA), served for a host id that is not B's.
    const b = must(hostB);
    const bTls = {
      key: readFileSync(join(b.stateDir, 'pki', 'key.pem'), 'utf8'),
      cert: readFileSync(join(b.stateDir, 'pki', 'cert.pem'), 'utf8'),
      ca: tls.ca,
    };
    const borrowed = await serveHostAgent(agent, bTls, { host: '127.0.0.1', port: 0 });
    try {
      const toImpostor = connectRemoteHostAgent({
        hostId: e.host.id,
        address: '127.0.0.1',
        port: served.address.port,
        tls,
      });
      await expect(toImpostor.ping(2_000)).rejects.toMatchObject({
        code: HostErrorCode.HYPERVISOR_UNREACHABLE,
      });
      await toImpostor.close();
      const toOther = connectRemoteHostAgent({
        hostId: '00000000-0000-4000-8000-000000000001',
        address: '127.0.0.1',
        port: borrowed.address.port,
        tls,
      });
      await expect(toOther.ping(2_000)).rejects.toMatchObject({
        code: HostErrorCode.HYPERVISOR_UNREACHABLE,
      });
      await toOther.close();
      // Control: the same server is accepted for the host its certificate names.
      const toB = connectRemoteHostAgent({
        hostId: e.host.id,
        address: '127.0.0.1',
        port: borrowed.address.port,
        tls,
      });
      await expect(toB.ping(2_000)).resolves.toBeUndefined();
      await toB.close();
    } finally {
      await served.close();
      await borrowed.close();
      await agent.close();
    }
  });

  it("B's agent killed: B non_responsive within seconds, its VM unknown; back: re-validated and up", async () => {
    const e = must(enrollment);
    const vm = await ok('AddVm', {
      name: `${prefix}vm`,
      cluster: { name: 'Default' },
      template: { name: 'tiny' },
    });
    // Placement on B is the next step of issue 17: record it as placement will.
    const db = new BetterSqlite3(join(dir, 'engine', 'engine.db'));
    try {
      db.prepare("UPDATE vm SET status = 'up', host_id = ? WHERE id = ?").run(e.host.id, vm.id);
    } finally {
      db.close();
    }
    await must(hostB).killAgent();
    const lost = await waitForStatus(e.host.id, 'non_responsive', 10_000);
    console.log(`host B non_responsive ${lost} ms after its agent was killed`);
    expect(lost).toBeLessThan(5_000);
    const seen = await ok('GetVmById', { id: vm.id });
    expect(seen.status).toBe('unknown');
    const events = await ok('GetEvents', {});
    expect(events.some((ev) => ev.code === 'VDS_FAILURE' && ev.hostId === e.host.id)).toBe(true);

    // Back, with the certificate it enrolled with (no token needed any more).
    const r = await must(hostB).startAgent();
    expect(r.serving, r.output).toBe(true);
    const back = await waitForStatus(e.host.id, 'up', 60_000);
    console.log(`host B up again ${back} ms after its agent restarted`);
    // B does not run the VM: now it is known to be down (not before).
    let after = await ok('GetVmById', { id: vm.id });
    for (let i = 0; i < 50 && after.status === 'unknown'; i++) {
      await new Promise((res) => setTimeout(res, 100));
      after = await ok('GetVmById', { id: vm.id });
    }
    expect(after.status).toBe('down');
    expect(after.hostId ?? null).toBeNull();
    await ok('RemoveVm', { id: vm.id });
  });

  it('a host that hangs (no connection reset) is non_responsive within seconds too', async () => {
    const e = must(enrollment);
    const b = must(hostB);
    b.freezeAgent(true);
    try {
      const lost = await waitForStatus(e.host.id, 'non_responsive', 10_000);
      console.log(`host B non_responsive ${lost} ms after its agent froze`);
      // Ping limit (1.5 s) + one round (0.5 s) + slack for a loaded machine.
      expect(lost).toBeLessThan(5_000);
    } finally {
      b.freezeAgent(false);
    }
    const back = await waitForStatus(e.host.id, 'up', 30_000);
    console.log(`host B up again ${back} ms after its agent resumed`);
  });

  it('maintenance (left alone by the monitor), then removal of host B', async () => {
    const e = must(enrollment);
    const notYet = await err('RemoveHost', { hostId: e.host.id });
    expect(notYet.code).toBe('VDS_CANNOT_REMOVE_VDS_STATUS_ILLEGAL');
    expect((await ok('DeactivateHost', { hostId: e.host.id })).status).toBe('maintenance');
    // Maintenance is not "gone": the monitor leaves it alone.
    await new Promise((r) => setTimeout(r, 1_500));
    expect((await hostById(e.host.id)).status).toBe('maintenance');
    await ok('RemoveHost', { hostId: e.host.id });
    expect((await ok('GetAllHosts', {})).some((h) => h.id === e.host.id)).toBe(false);
  });
});
