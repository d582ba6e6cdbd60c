// SPDX-License-Identifier: Apache-2.0
/**
 * Issue 10 item 6: host-network changes that wait for the host go to it in one setupNetworks
 * per turn, each keeping its own intent, result and compensation (main/engine/host-network/
 * coalesce.ts). Real SQLite, the recording host layer, a gate that holds the host busy so
 * that changes queue behind it.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import type { SetupNetworksRequest } from '../../libvirt/host-agent';
import { HostError, HostErrorCode } from '../../main/contract/errors';
import { type Harness, must, removeDir, startHarness } from '../fixtures/engine-harness';
import { RecordingHostAgent } from '../fixtures/recording-host-agent';

const DC = { name: 'Default' };
const CL = { name: 'Default' };

let h: Harness;
let agent: RecordingHostAgent;
const extra: string[] = [];

/**
 * Hold each setupNetworks at the host until it is let through: `pass(i)` lets call i through,
 * `open()` every call now and later. `calls` lists the requests as they arrive.
 */
function gateHost(a: RecordingHostAgent): {
  calls: SetupNetworksRequest[];
  pass: (i: number) => void;
  open: () => void;
  arrived: (n: number) => Promise<void>;
} {
  const original = a.setupNetworks.bind(a);
  const calls: SetupNetworksRequest[] = [];
  const gates: { promise: Promise<void>; release: () => void }[] = [];
  let opened = false;
  const gate = (i: number): { promise: Promise<void>; release: () => void } => {
    while (gates.length <= i) {
      let release: () => void = () => undefined;
      const promise = new Promise<void>((resolve) => {
        release = resolve;
      });
      gates.push({ promise, release });
    }
    return gates[i] as { promise: Promise<void>; release: () => void };
  };
  a.setupNetworks = async (req) => {
    const i = calls.push(req) - 1;
    if (!opened) await gate(i).promise;
    return original(req);
  };
  return {
    calls,
    pass: (i) => {
      gate(i).release();
    },
    open: () => {
      opened = true;
      for (const g of gates) g.release();
    },
    arrived: async (n) => {
      for (let i = 0; i < 200 && calls.length < n; i++) await new Promise((r) => setTimeout(r, 10));
      expect(calls.length).toBe(n);
    },
  };
}

const settle = (ms = 100): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function isolated(names: readonly string[]): Promise<string[]> {
  const ids: string[] = [];
  for (const name of names)
    ids.push((await h.ok('AddNetwork', { name, dataCenter: DC, isolated: true })).id);
  return ids;
}

const clusterId = async (x: Harness): Promise<string> =>
  must((await x.ok('GetAllClusters', {}))[0], 'cluster').id;

const attach = (id: string): ReturnType<Harness['engine']['invoke']> =>
  h.engine.invoke(
    { userId: 'test-admin', userName: 'admin@internal', admin: true },
    'AttachNetworkToCluster',
    { cluster: CL, network: { id } },
  );

beforeEach(async () => {
  agent = new RecordingHostAgent();
  h = await startHarness(agent);
});
afterEach(async () => {
  await h.close();
  removeDir(h.dir);
  for (const d of extra.splice(0)) removeDir(d);
});

describe('coalesced host-network changes', () => {
  it('changes waiting for the host go in one setupNetworks, each with its own result', async () => {
    const [a, b, c, d] = await isolated(['ca', 'cb', 'cc', 'cd']);
    const gate = gateHost(agent);
    const first = attach(must(a));
    await gate.arrived(1);
    const rest = [b, c, d].map((id) => attach(must(id)));
    await settle();
    // The three wait for the host: no second call yet, and they hold no lock of each other.
    expect(gate.calls).toHaveLength(1);
    gate.open();
    const results = await Promise.all([first, ...rest]);
    expect(results.map((r) => r.ok)).toEqual([true, true, true, true]);
    expect(gate.calls.map((r) => Object.keys(r.networks).sort())).toEqual([
      ['ca'],
      ['cb', 'cc', 'cd'],
    ]);
    const dump = h.dump();
    expect(dump.command_intent).toHaveLength(0);
    const attachments = await h.ok('GetNetworkAttachmentsByHostId', {
      hostId: must((await h.ok('GetAllHosts', {}))[0]).id,
    });
    expect(attachments.map((x) => [x.networkName, x.inSync]).sort()).toEqual([
      ['ca', true],
      ['cb', true],
      ['cc', true],
      ['cd', true],
    ]);
    expect([...agent.bridges.keys()].sort()).toEqual(['ca', 'cb', 'cc', 'cd']);
    const host = must((await h.ok('GetAllHosts', {}))[0]);
    expect(host.networkOperationInProgress).toBe(false);
  });

  it('a combined apply that fails is retried one by one: only the bad change fails', async () => {
    const [a, b, bad, d] = await isolated(['ok1', 'ok2', 'bad', 'ok4']);
    const gate = gateHost(agent);
    const gated = agent.setupNetworks.bind(agent);
    agent.setupNetworks = (req) =>
      'bad' in req.networks
        ? Promise.reject(new HostError(HostErrorCode.SETUP_NETWORKS_ROLLBACK, 'bad bridge'))
        : gated(req);
    const first = attach(must(a));
    await gate.arrived(1);
    const rest = [b, bad, d].map((id) => attach(must(id)));
    await settle();
    gate.open();
    const [r1, r2, rBad, r4] = await Promise.all([first, ...rest]);
    expect([r1?.ok, r2?.ok, r4?.ok]).toEqual([true, true, true]);
    expect(rBad?.ok).toBe(false);
    if (rBad && !rBad.ok) expect(rBad.error.code).toBe('SETUP_NETWORKS_ROLLBACK');
    expect([...agent.bridges.keys()].sort()).toEqual(['ok1', 'ok2', 'ok4']);
    // The bad change is compensated alone: not on the cluster, no attachment, no intent.
    const dump = h.dump();
    expect(dump.command_intent).toHaveLength(0);
    const onCluster = await h.ok('GetNetworksByClusterId', { clusterId: await clusterId(h) });
    expect(onCluster.map((n) => n.name).sort()).toEqual(['ok1', 'ok2', 'ok4']);
    const host = must((await h.ok('GetAllHosts', {}))[0]);
    expect(host.networkOperationInProgress).toBe(false);
  });

  for (const point of ['before the host applied', 'after the host applied'] as const) {
    it(`a kill during a turn (${point}): each change is recovered alone, host = DB`, async () => {
      const ids = await isolated(['k0', 'k1', 'k2', 'k3', 'k4']);
      const gate = gateHost(agent);
      const gated = agent.setupNetworks.bind(agent);
      if (point === 'after the host applied') {
        // The turn's request reaches the host; the process "dies" before its tx 2.
        const apply = RecordingHostAgent.prototype.setupNetworks.bind(agent);
        agent.setupNetworks = async (req) => {
          if (!('k0' in req.networks)) await apply(req);
          return gated(req);
        };
      }
      const pending = [attach(must(ids[0]))];
      await gate.arrived(1);
      for (const id of ids.slice(1)) pending.push(attach(id));
      await settle();
      gate.pass(0);
      await gate.arrived(2);
      expect(Object.keys(must(gate.calls[1]).networks).sort()).toEqual(['k1', 'k2', 'k3', 'k4']);
      try {
        // Each change of the turn recorded its own intent over its own network.
        const live = new BetterSqlite3(join(h.dir, 'engine.db'), { readonly: true });
        const intents = live.prepare('SELECT host_networks FROM command_intent').all() as {
          host_networks: string;
        }[];
        const crashed = mkdtempSync(join(tmpdir(), 'h3-coalesce-'));
        extra.push(crashed);
        await live.backup(join(crashed, 'engine.db'));
        live.close();
        const names = intents.map((i) => JSON.parse(i.host_networks) as string[]);
        expect(names.map((n) => n.join()).sort()).toEqual(['k1', 'k2', 'k3', 'k4']);
        // Restart on the database as the kill left it, with the host as it is now.
        const host2 = new RecordingHostAgent();
        for (const [k, v] of agent.bridges) host2.bridges.set(k, v);
        expect([...host2.bridges.keys()].sort()).toEqual(
          point === 'after the host applied' ? ['k0', 'k1', 'k2', 'k3', 'k4'] : ['k0'],
        );
        const h2 = await startHarness(host2, crashed);
        try {
          expect(h2.dump().command_intent).toHaveLength(0);
          const onCluster = await h2.ok('GetNetworksByClusterId', {
            clusterId: await clusterId(h2),
          });
          expect(onCluster.map((n) => n.name)).toEqual(['k0']);
          expect([...host2.bridges.keys()].sort()).toEqual(['k0']);
          expect(await h2.ok('GetAllNetworks', {})).toHaveLength(5);
        } finally {
          await h2.close();
        }
      } finally {
        gate.open();
        await Promise.all(pending);
      }
    });
  }
});
