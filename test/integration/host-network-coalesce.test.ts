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

/** Wait until every host-network change answered early has been applied (no intent left). */
async function applied(x: Harness = h): Promise<void> {
  for (let i = 0; i < 300 && x.dump().command_intent?.length !== 0; i++) await settle(10);
  expect(x.dump().command_intent).toHaveLength(0);
}

const hostOf = async (x: Harness = h): Promise<string> =>
  must((await x.ok('GetAllHosts', {}))[0], 'host').id;

const detach = (id: string): ReturnType<Harness['engine']['invoke']> =>
  h.engine.invoke(
    { userId: 'test-admin', userName: 'admin@internal', admin: true },
    'DetachNetworkFromCluster',
    { clusterId: clusterIdOf, networkId: id },
  );
let clusterIdOf = '';
const ADMIN_P = { userId: 'test-admin', userName: 'admin@internal', admin: true };

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
  clusterIdOf = await clusterId(h);
});
afterEach(async () => {
  await h.close();
  removeDir(h.dir);
  for (const d of extra.splice(0)) removeDir(d);
});

describe('coalesced host-network changes', () => {
  it('a busy host: changes are answered at once, pending, then applied in one setupNetworks', async () => {
    const [a, b, c, d] = await isolated(['ca', 'cb', 'cc', 'cd']);
    const gate = gateHost(agent);
    const first = attach(must(a));
    await gate.arrived(1);
    // The host is busy with `ca`: the others are answered after their database step, as oVirt's
    // AttachNetworkToCluster answers before its hosts' PersistentHostSetupNetworks finish.
    const rest = await Promise.all([b, c, d].map((id) => attach(must(id))));
    expect(rest.map((r) => r.ok)).toEqual([true, true, true]);
    expect(gate.calls).toHaveLength(1);
    const hostId = await hostOf();
    const pending = await h.ok('GetNetworkAttachmentsByHostId', { hostId });
    expect(pending.map((x) => [x.networkName, x.inSync]).sort()).toEqual([
      ['ca', false],
      ['cb', false],
      ['cc', false],
      ['cd', false],
    ]);
    expect(must((await h.ok('GetAllHosts', {}))[0]).networkOperationInProgress).toBe(true);
    const onCluster = await h.ok('GetNetworksByClusterId', { clusterId: clusterIdOf });
    expect(onCluster.map((n) => n.name).sort()).toEqual(['ca', 'cb', 'cc', 'cd']);
    gate.open();
    expect((await first).ok).toBe(true);
    await applied();
    expect(gate.calls.map((r) => Object.keys(r.networks).sort())).toEqual([
      ['ca'],
      ['cb', 'cc', 'cd'],
    ]);
    const attachments = await h.ok('GetNetworkAttachmentsByHostId', { hostId });
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

  it('a free host: the change is applied before the answer (in sync at once)', async () => {
    const [a] = await isolated(['fa']);
    expect((await attach(must(a))).ok).toBe(true);
    expect(h.dump().command_intent).toHaveLength(0);
    const attachments = await h.ok('GetNetworkAttachmentsByHostId', { hostId: await hostOf() });
    expect(attachments.map((x) => [x.networkName, x.inSync])).toEqual([['fa', true]]);
    expect([...agent.bridges.keys()]).toEqual(['fa']);
  });

  it('a combined apply that fails is retried one by one: only the bad change is undone, with an event', async () => {
    const [a, b, bad, d] = await isolated(['ok1', 'ok2', 'bad', 'ok4']);
    const gate = gateHost(agent);
    const gated = agent.setupNetworks.bind(agent);
    agent.setupNetworks = (req) =>
      'bad' in req.networks
        ? Promise.reject(new HostError(HostErrorCode.SETUP_NETWORKS_ROLLBACK, 'bad bridge'))
        : gated(req);
    const first = attach(must(a));
    await gate.arrived(1);
    const events = Math.max(0, ...(await h.ok('GetEvents', {})).map((e) => e.id));
    // Answered while the host was busy: 201 for all four, the bad one fails later.
    const rest = await Promise.all([b, bad, d].map((id) => attach(must(id))));
    expect(rest.map((r) => r.ok)).toEqual([true, true, true]);
    gate.open();
    expect((await first).ok).toBe(true);
    await applied();
    expect([...agent.bridges.keys()].sort()).toEqual(['ok1', 'ok2', 'ok4']);
    // The bad change is compensated alone: not on the cluster, no attachment, no intent.
    const onCluster = await h.ok('GetNetworksByClusterId', { clusterId: clusterIdOf });
    expect(onCluster.map((n) => n.name).sort()).toEqual(['ok1', 'ok2', 'ok4']);
    const attachments = await h.ok('GetNetworkAttachmentsByHostId', { hostId: await hostOf() });
    expect(attachments.map((x) => [x.networkName, x.inSync]).sort()).toEqual([
      ['ok1', true],
      ['ok2', true],
      ['ok4', true],
    ]);
    const host = must((await h.ok('GetAllHosts', {}))[0]);
    expect(host.networkOperationInProgress).toBe(false);
    // …and the audit log says what was undone and why.
    const failed = (await h.ok('GetEvents', { after: events }))
      .reverse()
      .filter((e) => e.code === 'PERSIST_NETWORK_ON_HOST_FAILED');
    expect(failed).toHaveLength(1);
    expect(failed[0]?.severity).toBe('error');
    expect(failed[0]?.description).toMatch(
      /network\(s\) bad .*bad bridge.*AttachNetworkToCluster was undone/,
    );
  });

  it('a detach right after a pending attach follows it: both answered, applied in order', async () => {
    const [a, x] = await isolated(['fa', 'fx']);
    const gate = gateHost(agent);
    const first = attach(must(a));
    await gate.arrived(1);
    expect((await attach(must(x))).ok).toBe(true);
    // The attach of fx is not applied yet; the detach follows it instead of waiting for it.
    expect((await detach(must(x))).ok).toBe(true);
    expect(gate.calls).toHaveLength(1);
    gate.open();
    expect((await first).ok).toBe(true);
    await applied();
    expect(gate.calls.map((r) => JSON.stringify(r.networks))).toEqual([
      JSON.stringify({ fa: { mtu: 1500, bridged: true, stp: false } }),
      JSON.stringify({ fx: { mtu: 1500, bridged: true, stp: false } }),
      JSON.stringify({ fx: { remove: true } }),
    ]);
    expect([...agent.bridges.keys()]).toEqual(['fa']);
    const onCluster = await h.ok('GetNetworksByClusterId', { clusterId: clusterIdOf });
    expect(onCluster.map((n) => n.name)).toEqual(['fa']);
  });

  it('a pending attach that fails undoes the detach that followed it first, then itself', async () => {
    const [a, bad] = await isolated(['fa', 'bad']);
    const gate = gateHost(agent);
    const gated = agent.setupNetworks.bind(agent);
    agent.setupNetworks = (req) =>
      'bad' in req.networks && !('remove' in (req.networks.bad ?? {}))
        ? Promise.reject(new HostError(HostErrorCode.SETUP_NETWORKS_ROLLBACK, 'bad bridge'))
        : gated(req);
    const first = attach(must(a));
    await gate.arrived(1);
    const events = Math.max(0, ...(await h.ok('GetEvents', {})).map((e) => e.id));
    expect((await attach(must(bad))).ok).toBe(true);
    expect((await detach(must(bad))).ok).toBe(true);
    gate.open();
    expect((await first).ok).toBe(true);
    await applied();
    // Undone newest first: the detach restored the attach's rows, the attach removed them.
    expect([...agent.bridges.keys()]).toEqual(['fa']);
    const onCluster = await h.ok('GetNetworksByClusterId', { clusterId: clusterIdOf });
    expect(onCluster.map((n) => n.name)).toEqual(['fa']);
    const attachments = await h.ok('GetNetworkAttachmentsByHostId', { hostId: await hostOf() });
    expect(attachments.map((x) => x.networkName)).toEqual(['fa']);
    expect(gate.calls.some((r) => 'bad' in r.networks && 'remove' in (r.networks.bad ?? {}))).toBe(
      false,
    );
    const failed = (await h.ok('GetEvents', { after: events }))
      .reverse()
      .filter((e) => e.code === 'PERSIST_NETWORK_ON_HOST_FAILED')
      .map((e) => e.description);
    expect(failed).toHaveLength(2);
    expect(failed[0]).toMatch(/DetachNetworkFromCluster was undone/);
    expect(failed[1]).toMatch(/AttachNetworkToCluster was undone/);
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

  it('a removal that follows a pending detach: the detach fails, so both are undone', async () => {
    const [a, x] = await isolated(['fa', 'fx']);
    expect((await attach(must(x))).ok).toBe(true);
    const gate = gateHost(agent);
    const gated = agent.setupNetworks.bind(agent);
    agent.setupNetworks = (req) =>
      'fx' in req.networks
        ? Promise.reject(new HostError(HostErrorCode.SETUP_NETWORKS_ROLLBACK, 'fx is busy'))
        : gated(req);
    const first = attach(must(a));
    await gate.arrived(1);
    expect((await detach(must(x))).ok).toBe(true);
    // No attachment is left in the database, but the detach is open: the removal follows it.
    expect((await h.engine.invoke(ADMIN_P, 'RemoveNetwork', { id: must(x) })).ok).toBe(true);
    expect((await h.ok('GetAllNetworks', {})).map((n) => n.name)).toEqual(['fa']);
    gate.open();
    expect((await first).ok).toBe(true);
    await applied();
    // Undone newest first: the network is back, attached, its bridge never left the host.
    expect((await h.ok('GetAllNetworks', {})).map((n) => n.name).sort()).toEqual(['fa', 'fx']);
    const onCluster = await h.ok('GetNetworksByClusterId', { clusterId: clusterIdOf });
    expect(onCluster.map((n) => n.name).sort()).toEqual(['fa', 'fx']);
    expect([...agent.bridges.keys()].sort()).toEqual(['fa', 'fx']);
    const attachments = await h.ok('GetNetworkAttachmentsByHostId', { hostId: await hostOf() });
    expect(attachments.map((y) => [y.networkName, y.inSync]).sort()).toEqual([
      ['fa', true],
      ['fx', true],
    ]);
  });

  it('a kill while a detach follows a pending attach: recovery undoes both, newest first', async () => {
    const [a, x] = await isolated(['fa', 'fx']);
    const gate = gateHost(agent);
    const first = attach(must(a));
    await gate.arrived(1);
    expect((await attach(must(x))).ok).toBe(true);
    expect((await detach(must(x))).ok).toBe(true);
    try {
      const live = new BetterSqlite3(join(h.dir, 'engine.db'), { readonly: true });
      const intents = live.prepare('SELECT command, host_networks FROM command_intent').all() as {
        command: string;
        host_networks: string;
      }[];
      const crashed = mkdtempSync(join(tmpdir(), 'h3-coalesce-'));
      extra.push(crashed);
      await live.backup(join(crashed, 'engine.db'));
      live.close();
      expect(intents.map((i) => `${i.command} ${i.host_networks}`).sort()).toEqual([
        'AttachNetworkToCluster ["fa"]',
        'AttachNetworkToCluster ["fx"]',
        'DetachNetworkFromCluster ["fx"]',
      ]);
      // Restart on the database as the kill left it; the host had applied nothing yet.
      const host2 = new RecordingHostAgent();
      const h2 = await startHarness(host2, crashed);
      try {
        expect(h2.dump().command_intent).toHaveLength(0);
        const onCluster = await h2.ok('GetNetworksByClusterId', {
          clusterId: await clusterId(h2),
        });
        expect(onCluster).toEqual([]);
        expect(await h2.ok('GetNetworkAttachmentsByHostId', { hostId: await hostOf(h2) })).toEqual(
          [],
        );
        expect([...host2.bridges.keys()]).toEqual([]);
        expect(await h2.ok('GetAllNetworks', {})).toHaveLength(2);
      } finally {
        await h2.close();
      }
    } finally {
      gate.open();
      await first;
    }
  });
});
