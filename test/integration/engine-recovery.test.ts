// SPDX-License-Identifier: Apache-2.0
/**
 * The intent protocol's promises (issue 10, items 1–4) on a real SQLite file with the
 * recording host layer: a failed second transaction is compensated (host and database), an
 * intent is resolved before its locks are released, restart recovery never aborts start-up
 * and undoes only the interrupted command, unavailable dependencies answer 503.
 * Real-host versions of the same paths: test/adversarial/recovery.test.ts.
 */
import { join } from 'node:path';

import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';

import { HostError, HostErrorCode, httpStatusOf } from '../../main/contract/errors';
import type { Host } from '../../main/contract/hosts';
import { checkHost } from '../../main/engine/host-monitor';
import { eachRecordingHarness, type Harness, must, startHarness } from '../fixtures/engine-harness';
import type { RecordingHostAgent } from '../fixtures/recording-host-agent';

let h: Harness;
let agent: RecordingHostAgent;
let host: Host;

eachRecordingHarness(async (s) => {
  ({ h, agent } = s);
  host = must((await h.ok('GetAllHosts', {}))[0], 'host');
});

const DC = { name: 'Default' };
const CL = { name: 'Default' };

/** Another process's write lock on the engine database, held until `release()`. */
function holdWriteLock(dir: string): { release: () => void } {
  const db = new BetterSqlite3(join(dir, 'engine.db'));
  db.prepare('BEGIN IMMEDIATE').run();
  return {
    release: () => {
      db.prepare('ROLLBACK').run();
      db.close();
    },
  };
}

/** The audit log, read with a separate connection. */
function auditLog(dir: string): { code: string; severity: string; description: string }[] {
  const db = new BetterSqlite3(join(dir, 'engine.db'), { readonly: true });
  try {
    return db.prepare('SELECT code, severity, description FROM audit_log').all() as {
      code: string;
      severity: string;
      description: string;
    }[];
  } finally {
    db.close();
  }
}

describe('a failed second transaction is compensated', () => {
  it('attach: the host change is undone, the database restored, 503 — and later commits survive a restart', async () => {
    const n = await h.ok('AddNetwork', { name: 'iso', dataCenter: DC, isolated: true });
    const before = h.dump();
    const original = agent.setupNetworks.bind(agent);
    let lock: { release: () => void } | null = null;
    agent.setupNetworks = async (req) => {
      const r = await original(req);
      // The host applied it; now another process holds the write lock for ~2.5 s.
      if (lock === null) {
        lock = holdWriteLock(h.dir);
        const l = lock;
        setTimeout(() => {
          l.release();
        }, 2500);
      }
      return r;
    };
    const e = await h.err('AttachNetworkToCluster', { cluster: CL, network: { id: n.id } });
    agent.setupNetworks = original;
    expect(e.code).toBe('DATABASE_UNAVAILABLE');
    expect(httpStatusOf[e.category]).toBe(503);
    // Nothing half-applied: no bridge, no attachment, no intent, no in-progress flag.
    expect(agent.bridges.has('iso')).toBe(false);
    const after = h.dump();
    for (const t of ['network_cluster', 'network_attachments', 'command_intent', 'host'] as const)
      expect(after[t]).toEqual(before[t]);
    // A commit after the survived failure is still there after a restart.
    await h.ok('UpdateNetwork', { id: n.id, description: 'marker' });
    h = await h.restart();
    const again = await h.ok('GetNetworkById', { id: n.id });
    expect(again.description).toBe('marker');
    expect(h.dump().command_intent).toHaveLength(0);
  });

  it('a write lock held during a plain command answers 503 quickly, not 500 after seconds', async () => {
    const lock = holdWriteLock(h.dir);
    const t0 = Date.now();
    try {
      const e = await h.err('AddNetwork', { name: 'busy', dataCenter: DC });
      expect(e.code).toBe('DATABASE_UNAVAILABLE');
      expect(httpStatusOf[e.category]).toBe(503);
      expect(Date.now() - t0).toBeLessThan(4000);
    } finally {
      lock.release();
    }
    expect(await h.ok('GetAllNetworks', {})).toHaveLength(0);
  });
});

describe('restart recovery', () => {
  it('never aborts start-up: a host refusal is an error event and the engine serves', async () => {
    const n = await h.ok('AddNetwork', { name: 'iso', dataCenter: DC, isolated: true });
    let release: () => void = () => undefined;
    const original = agent.setupNetworks.bind(agent);
    agent.setupNetworks = async (req) => {
      const r = await original(req);
      await new Promise<void>((resolve) => {
        release = resolve;
      });
      return r;
    };
    void h.engine.invoke(
      { userId: 'a', userName: 'admin@internal', admin: true },
      'AttachNetworkToCluster',
      { cluster: CL, network: { id: n.id } },
    );
    await expect.poll(() => agent.bridges.has('iso')).toBe(true);
    agent.setupNetworks = original;
    // The host layer refuses the clean-up (as it did for a bridge it never recorded).
    agent.failNext(
      'setupNetworks',
      new HostError(HostErrorCode.HOST_NETWORK_INVALID, 'iso: not managed by this host agent'),
    );
    const dead = h;
    h = await startHarness(agent, dead.dir);
    expect(h.dump().command_intent).toHaveLength(0);
    const events = auditLog(h.dir);
    const failed = events.find((ev) => ev.code === 'ENGINE_RECOVERY_FAILED');
    expect(failed?.severity).toBe('error');
    expect(failed?.description).toMatch(/AttachNetworkToCluster.*iso/);
    // Serving: a command works.
    await h.ok('AddNetwork', { name: 'after', dataCenter: DC });
    release();
    await dead.close();
  });
});

describe('unavailable hypervisor', () => {
  it('RunVm answers 503 and the host goes non_responsive, then up again', async () => {
    const n = await h.ok('AddNetwork', { name: 'iso', dataCenter: DC, isolated: true });
    await h.ok('AttachNetworkToCluster', { cluster: CL, network: { id: n.id } });
    const vm = await h.ok('AddVm', { name: 'vm1', cluster: CL, template: { name: 'tiny' } });
    agent.failNext(
      'domainStart',
      new HostError(HostErrorCode.HYPERVISOR_UNREACHABLE, 'failed to connect socket'),
    );
    const e = await h.err('RunVm', { id: vm.id });
    expect(e.code).toBe('HYPERVISOR_UNREACHABLE');
    expect(httpStatusOf[e.category]).toBe(503);
    expect((await h.ok('GetVmById', { id: vm.id })).status).toBe('down');
    expect(h.dump().command_intent).toHaveLength(0);
  });

  it('the host monitor marks the host non_responsive while libvirt does not answer', async () => {
    const services = (h.engine as unknown as { services: Parameters<typeof checkHost>[0] })
      .services;
    agent.failNext(
      'domainList',
      new HostError(HostErrorCode.HYPERVISOR_UNREACHABLE, 'failed to connect socket'),
    );
    expect(await checkHost(services)).toBe(false);
    expect((await h.ok('GetHostById', { id: host.id })).status).toBe('non_responsive');
    expect(await checkHost(services)).toBe(true);
    expect((await h.ok('GetHostById', { id: host.id })).status).toBe('up');
  });
});
