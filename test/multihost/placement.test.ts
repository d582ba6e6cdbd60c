// SPDX-License-Identifier: Apache-2.0
/**
 * Issue 17, VMs on remote hosts, on a simulated host B (its own network namespace, libvirtd
 * and host agent, see sim-hosts.ts) beside the engine's own host A, through oVirt's REST API:
 * `POST /vms` with a `placement_policy` naming B → the guest boots in B's libvirtd (not A's),
 * `vm.host` shows B, its serial console works over B's agent connection, a domain that stops
 * on B shows `down` (B's domain events), StopVm stops it on B; without hosts the VM goes to
 * the Up host with the most free memory; bad placements get oVirt faults and change nothing;
 * must-show 4 second half: B's agent killed → B non_responsive, its VM unknown; B's bridge
 * removed meanwhile; the agent back → B re-validated, the bridge re-created, the VM up again,
 * the host-activated hooks run for B.
 *
 * Guests: three tiny busybox guests (two on B, one on A), stopped at the end.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { run } from '../../build/setup/exec';
import { openDatabase } from '../../db/client';
import { intentsRepo } from '../../db/repos/intents.repo';
import { vmsRepo } from '../../db/repos/vms.repo';
import { compose, type Composed } from '../../main/compose';
import { onHostActivated } from '../../main/engine/hosts/host-activated-hooks';
import { ADMIN, must } from '../fixtures/engine-harness';
import {
  ADMIN_PASSWORD,
  type Appliance,
  at,
  entity,
  items,
  startAppliance,
} from '../functional/support';
import { GuestConsole } from '../support/guest-console';
import { claimRunPrefix, releaseRunPrefix, runDir } from '../support/run-prefix';
import {
  createSimHost,
  createUnderlay,
  type SimHost,
  simHostsUnavailable,
  sweepSimHosts,
  type Underlay,
} from './sim-hosts';

const FAMILY = 'mh';
const API = '/ovirt-engine/api';
const unavailable = await simHostsUnavailable();
if (unavailable) console.log(`placement.test.ts skipped: ${unavailable}`);

let prefix = '';
let underlay: Underlay | null = null;
let hostB: SimHost | null = null;
let a: Appliance | null = null;
let bId = '';
let bName = '';
let localId = '';
const vmIds: string[] = [];
/** The engine after the restart of the last test (same data directory). */
let restarted: Composed | null = null;
/** VMs that never run (removed at the end too). */
const others: string[] = [];
let networkId = '';
let bridge = '';
const activated: { hostId: string; remote: boolean }[] = [];
const unhook = onHostActivated('placement.test', (_ctx, info) => {
  activated.push(info);
  return Promise.resolve();
});

const app = (): Appliance => {
  if (!a) throw new Error('appliance not started');
  return a;
};
const b = (): SimHost => {
  if (!hostB) throw new Error('host B not created');
  return hostB;
};
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function getVm(id: string): Promise<Record<string, unknown>> {
  const r = await app().request('GET', `${API}/vms/${id}`);
  expect(r.status, r.text).toBe(200);
  return entity(r.body, 'vm');
}

async function hostStatus(id: string): Promise<string> {
  const r = await app().request('GET', `${API}/hosts/${id}`);
  return String(entity(r.body, 'host').status);
}

/** Poll `read` until `want` (returns ms taken) or fail with the last value. */
async function until(
  read: () => Promise<string>,
  want: string,
  timeoutMs: number,
): Promise<number> {
  const t0 = Date.now();
  let last = '';
  while (Date.now() - t0 < timeoutMs) {
    last = await read();
    if (last === want) return Date.now() - t0;
    await sleep(100);
  }
  throw new Error(`not ${want} within ${timeoutMs} ms (last: ${last})`);
}

/** Domain uuids a host's libvirtd runs (B's through its namespaces, A's directly). */
async function runningOn(host: SimHost | null): Promise<string[]> {
  const args = ['-c', 'qemu:///system', 'list', '--uuid'];
  const out = host ? await host.exec('virsh', args) : (await run('virsh', args)).stdout;
  return out
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
}

const vmXml = (name: string, placement: string): string =>
  `<vm><name>${name}</name><cluster><name>Default</name></cluster>` +
  `<template><name>tiny</name></template><memory>134217728</memory>${placement}</vm>`;

async function addVm(name: string, placement = ''): Promise<string> {
  const r = await app().request('POST', `${API}/vms`, { body: vmXml(name, placement) });
  expect(r.status, r.text).toBe(201);
  const id = String(entity(r.body, 'vm').id);
  vmIds.push(id);
  return id;
}

/** The fault's detail of an error reply (actions wrap it in `<action>`). */
const faultDetail = (body: Record<string, unknown> | null): string =>
  String(at(body, 'fault.detail') ?? at(body, 'action.fault.detail'));

const start = (id: string, body = '<action/>'): ReturnType<Appliance['request']> =>
  app().request('POST', `${API}/vms/${id}/start`, { body });

describe.skipIf(Boolean(unavailable))('VMs on remote hosts (placement)', () => {
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
    const dir = runDir(prefix);
    const octet = 16 + (parseInt(prefix.slice(2), 36) % 200);
    underlay = await createUnderlay(prefix, octet);
    const engineAddress = `${underlay.net}.1`;
    await underlay.plug(null, `${prefix}a`, '', engineAddress);
    hostB = await createSimHost(prefix, underlay, 'b', `${underlay.net}.2`, dir);
    a = await startAppliance({ hostEnrollmentListen: `${engineAddress}:0` });
    const hosts = items((await app().request('GET', `${API}/hosts`)).body, 'hosts', 'host');
    localId = String(hosts[0]?.id);
    // An isolated network the cluster requires: B gets its bridge when it is activated.
    const engine = app().app.engine;
    const net = await engine.invoke(ADMIN, 'AddNetwork', {
      name: `${prefix}pn`,
      dataCenter: { name: 'Default' },
      isolated: true,
    });
    if (!net.ok) throw new Error(net.error.messages.join(' '));
    networkId = net.result.id;
    bridge = net.result.vdsmName;
    const attached = await engine.invoke(ADMIN, 'AttachNetworkToCluster', {
      cluster: { name: 'Default' },
      network: { id: networkId },
    });
    if (!attached.ok) throw new Error(attached.error.messages.join(' '));
    // Host B enrolls and comes up.
    bName = `${prefix}-b`;
    const added = await app().request('POST', `${API}/hosts`, {
      body: `<host><name>${bName}</name><address>${b().address}</address></host>`,
    });
    expect(added.status, added.text).toBe(201);
    const host = entity(added.body, 'host');
    bId = String(host.id);
    const served = await b().startAgent({
      engine: String(at(host, 'enrollment.engine_address')),
      token: String(at(host, 'enrollment.token')),
      caHash: String(at(host, 'enrollment.ca_hash')),
    });
    expect(served.serving, served.output).toBe(true);
    await until(() => hostStatus(bId), 'up', 60_000);
  });

  afterAll(async () => {
    unhook();
    const engine = restarted?.engine ?? a?.app.engine;
    for (const id of [...vmIds, ...others]) {
      await engine?.invoke(ADMIN, 'StopVm', { id }).catch(() => undefined);
      await engine?.invoke(ADMIN, 'RemoveVm', { id }).catch(() => undefined);
    }
    // B leaves first, so the network's removal touches only host A.
    if (bId) {
      await engine?.invoke(ADMIN, 'DeactivateHost', { hostId: bId }).catch(() => undefined);
      await engine?.invoke(ADMIN, 'RemoveHost', { hostId: bId }).catch(() => undefined);
    }
    if (networkId && engine) {
      const clusters = await engine.invoke(ADMIN, 'GetAllClusters', {});
      const clusterId = clusters.ok ? (clusters.result[0]?.id ?? '') : '';
      await engine
        .invoke(ADMIN, 'DetachNetworkFromCluster', { clusterId, networkId })
        .catch(() => undefined);
      await engine.invoke(ADMIN, 'RemoveNetwork', { id: networkId }).catch(() => undefined);
    }
    await restarted?.close();
    await a?.stop();
    await hostB?.destroy();
    await underlay?.destroy();
    if (prefix) releaseRunPrefix(prefix);
  });

  it('refuses placements on unknown hosts with oVirt faults, adding or changing nothing', async () => {
    const before = items((await app().request('GET', `${API}/vms`)).body, 'vms', 'vm').length;
    const r = await app().request('POST', `${API}/vms`, {
      body: vmXml(
        `${prefix}bad`,
        '<placement_policy><hosts><host><name>no-such-host</name></host></hosts></placement_policy>',
      ),
    });
    expect(r.status, r.text).toBe(400);
    expect(String(entity(r.body, 'fault').detail)).toContain(
      "VM is pinned to a specific host. The required host doesn't exist. (no-such-host)",
    );
    const bad = await app().request('POST', `${API}/vms`, {
      body: vmXml(
        `${prefix}bad`,
        '<placement_policy><affinity>sticky</affinity></placement_policy>',
      ),
    });
    expect(bad.status, bad.text).toBe(400);
    const after = items((await app().request('GET', `${API}/vms`)).body, 'vms', 'vm').length;
    expect(after).toBe(before);
    // B carries the cluster's isolated network (its activation provisioned it through B's agent).
    await expect(b().exec('ip', ['-o', 'link', 'show', bridge])).resolves.toContain(bridge);
  });

  it("a network attached to the cluster while B is up is set up on B through B's agent, and detached there", async () => {
    const engine = app().app.engine;
    const net = await engine.invoke(ADMIN, 'AddNetwork', {
      name: `${prefix}pm`,
      dataCenter: { name: 'Default' },
      isolated: true,
    });
    if (!net.ok) throw new Error(net.error.messages.join(' '));
    const id = net.result.id;
    const name = net.result.vdsmName;
    const clusters = await engine.invoke(ADMIN, 'GetAllClusters', {});
    const clusterId = clusters.ok ? (clusters.result[0]?.id ?? '') : '';
    try {
      const attached = await engine.invoke(ADMIN, 'AttachNetworkToCluster', {
        cluster: { name: 'Default' },
        network: { id },
      });
      expect(attached.ok, JSON.stringify(attached)).toBe(true);
      // Both hosts carry it, each in its own network namespace (A: this machine's root one).
      await expect(b().exec('ip', ['-o', 'link', 'show', name])).resolves.toContain(name);
      expect((await run('ip', ['-o', 'link', 'show', name])).stdout).toContain(name);
      const onB = await app().request('GET', `${API}/hosts/${bId}/networkattachments`);
      expect(onB.text).toContain(id);
      const detached = await engine.invoke(ADMIN, 'DetachNetworkFromCluster', {
        clusterId,
        networkId: id,
      });
      expect(detached.ok, JSON.stringify(detached)).toBe(true);
      await expect(b().exec('ip', ['-o', 'link', 'show', name])).rejects.toThrow();
    } finally {
      await engine.invoke(ADMIN, 'DetachNetworkFromCluster', { clusterId, networkId: id });
      await engine.invoke(ADMIN, 'RemoveNetwork', { id });
    }
    expect(
      (await run('ip', ['-o', 'link', 'show', name]).catch(() => ({ stdout: '' }))).stdout,
    ).toBe('');
  });

  it("a VM with disks is not started on B (storage is on the engine's machine): clear faults, nothing changes", async () => {
    const engine = app().app.engine;
    const made = await engine.invoke(ADMIN, 'AddVm', {
      name: `${prefix}disk`,
      cluster: { name: 'Default' },
      template: { name: 'Blank' },
      placementPolicy: { affinity: 'pinned', hosts: [{ id: bId }] },
    });
    if (!made.ok) throw new Error(made.error.messages.join(' '));
    const id = made.result.id;
    others.push(id);
    const att = await engine.invoke(ADMIN, 'AddDiskAttachment', {
      vmId: id,
      bootable: true,
      disk: {
        name: `${prefix}disk_d`,
        format: 'cow',
        provisionedSize: 1024 * 1024 * 1024,
        storageDomain: { name: 'local' },
      },
    });
    if (!att.ok) throw new Error(att.error.messages.join(' '));
    for (let i = 0; i < 300; i++) {
      const d = await engine.invoke(ADMIN, 'GetDiskById', { id: att.result.id });
      if (d.ok && d.result.status !== 'locked') break;
      await sleep(20);
    }
    const refused = await start(id);
    expect(refused.status, refused.text).toBe(409);
    const detail = faultDetail(refused.body);
    expect(detail).toContain('There is no host that satisfies current scheduling constraints');
    expect(detail).toContain(`The host ${bName} does not reach the engine's storage domains`);
    expect(detail).toContain('is not a host the VM is pinned to');
    expect((await getVm(id)).status).toBe('down');
    // Run once with B as the destination (not pinned any more): refused the same way.
    const unpin = await app().request('PUT', `${API}/vms/${id}`, {
      body: '<vm><placement_policy><affinity>migratable</affinity></placement_policy></vm>',
    });
    expect(unpin.status, unpin.text).toBe(200);
    const once = await start(
      id,
      `<action><vm><placement_policy><hosts><host id="${bId}"/></hosts></placement_policy></vm></action>`,
    );
    expect(once.status, once.text).toBe(409);
    expect(faultDetail(once.body)).toContain(`The destination host ${bName} cannot run the VM`);
    const vm = await getVm(id);
    expect(vm.status).toBe('down');
    // The stored policy is the updated one (hosts kept, affinity changed), not the run once.
    expect(String(at(vm, 'placement_policy.affinity'))).toBe('migratable');
    expect(String(at(vm, 'placement_policy.hosts.host.id'))).toBe(bId);
    expect(await runningOn(b())).not.toContain(id);
    expect(await runningOn(null)).not.toContain(id);
  });

  it("a VM placed on B boots in B's libvirtd, shows host B, its console works, B's events reach the engine", async () => {
    const id = await addVm(
      `${prefix}onb`,
      `<placement_policy><hosts><host><name>${bName}</name></host></hosts></placement_policy>`,
    );
    const added = await getVm(id);
    expect(String(at(added, 'placement_policy.affinity'))).toBe('migratable');
    expect(String(at(added, 'placement_policy.hosts.host.id'))).toBe(bId);
    const r = await start(id);
    expect(r.status, r.text).toBe(200);
    const vm = await getVm(id);
    expect(vm.status).toBe('up');
    expect(String(at(vm, 'host.id'))).toBe(bId);
    expect(await runningOn(b())).toContain(id);
    expect(await runningOn(null)).not.toContain(id);

    // The serial console of a VM on B, over B's agent connection.
    const t0 = Date.now();
    const guest = await GuestConsole.open(await app().app.engine.openVmConsole(ADMIN, id), 120_000);
    try {
      const { output } = await guest.run('hostname');
      // The tiny guest is named after its domain (VM name + id).
      expect(output.trim()).toBe(`${prefix}onb-${id.slice(0, 8)}`);
    } finally {
      guest.close();
    }
    console.log(`console of the guest on B answered ${Date.now() - t0} ms after it was opened`);

    // The domain stops behind the engine's back on B: B's domain event makes the VM down.
    await b().exec('virsh', ['-c', 'qemu:///system', 'destroy', id]);
    const took = await until(async () => String((await getVm(id)).status), 'down', 10_000);
    console.log(`VM on B down in the engine ${took} ms after it was destroyed on B`);
    expect(at(await getVm(id), 'host')).toBeUndefined();
  });

  it('without hosts the VM goes to the Up host with the most free memory; pinned hosts filter', async () => {
    // A VM pinned to the engine's own host A: A has less free memory afterwards.
    const onA = await addVm(
      `${prefix}ona`,
      `<placement_policy><affinity>pinned</affinity><hosts><host id="${localId}"/></hosts></placement_policy>`,
    );
    expect((await start(onA)).status).toBe(200);
    expect(String(at(await getVm(onA), 'host.id'))).toBe(localId);
    expect(await runningOn(null)).toContain(onA);
    const memory = items((await app().request('GET', `${API}/hosts`)).body, 'hosts', 'host').map(
      (h) => `${String(h.name)}=${String(h.memory)}/${String(h.status)}`,
    );
    console.log(`hosts' memory: ${memory.join(' ')}`);
    // No hosts: B (the tie-break would pick A; free memory decides).
    const free = await addVm(`${prefix}free`);
    const r = await start(free);
    expect(r.status, r.text).toBe(200);
    expect(String(at(await getVm(free), 'host.id'))).toBe(bId);
    expect(await runningOn(b())).toContain(free);
    // StopVm of the VM on A (the local agent), while the one on B keeps running.
    const stop = await app().request('POST', `${API}/vms/${onA}/stop`, { body: '<action/>' });
    expect(stop.status, stop.text).toBe(200);
    expect((await getVm(onA)).status).toBe('down');
    expect(await runningOn(null)).not.toContain(onA);
    expect(await runningOn(b())).toContain(free);
  });

  it("B's agent killed: B non_responsive, its VM unknown, pinned starts refused; back: bridge re-created, VM up, hooks run", async () => {
    const free = vmIds[2] ?? '';
    const pinnedToB = vmIds[0] ?? '';
    await b().killAgent();
    const lost = await until(() => hostStatus(bId), 'non_responsive', 10_000);
    console.log(`host B non_responsive ${lost} ms after its agent was killed`);
    expect(lost).toBeLessThan(5_000);
    expect((await getVm(free)).status).toBe('unknown');
    // A VM pinned to B cannot start while B is away: a clear fault, the VM stays down.
    const pin = await app().request('PUT', `${API}/vms/${pinnedToB}`, {
      body: '<vm><placement_policy><affinity>pinned</affinity></placement_policy></vm>',
    });
    expect(pin.status, pin.text).toBe(200);
    const refused = await start(pinnedToB);
    expect(refused.status, refused.text).toBe(409);
    expect(refused.text).toContain(`The host ${bName} is not Up (non_responsive)`);
    expect((await getVm(pinnedToB)).status).toBe('down');

    // Meanwhile B loses the cluster's bridge (the guest and B's libvirtd keep running).
    await b().exec('ip', ['link', 'del', bridge]);
    await expect(b().exec('ip', ['-o', 'link', 'show', bridge])).rejects.toThrow();
    activated.length = 0;
    const back = await b().startAgent();
    expect(back.serving, back.output).toBe(true);
    const up = await until(() => hostStatus(bId), 'up', 60_000);
    console.log(`host B up again ${up} ms after its agent restarted`);
    await expect(b().exec('ip', ['-o', 'link', 'show', bridge])).resolves.toContain(bridge);
    expect(await until(async () => String((await getVm(free)).status), 'up', 10_000)).toBeLessThan(
      10_000,
    );
    expect(String(at(await getVm(free), 'host.id'))).toBe(bId);
    expect(activated).toContainEqual({ hostId: bId, remote: true });

    // Stop works on B after the return (over the new connection).
    const stop = await app().request('POST', `${API}/vms/${free}/stop`, { body: '<action/>' });
    expect(stop.status, stop.text).toBe(200);
    expect((await getVm(free)).status).toBe('down');
    expect(await runningOn(b())).not.toContain(free);
  });

  it('the engine killed in RunVm on B (before / after the host step): recovered at the next start from what B runs', async () => {
    const [onB, , free] = vmIds;
    if (!onB || !free) throw new Error('earlier tests did not run');
    // `free` runs on B again (run once, B the destination: both hosts are idle now, a tie
    // the engine's own host would win): its start "got through" when the engine died.
    const once = await start(
      free,
      `<action><vm><placement_policy><hosts><host id="${bId}"/></hosts></placement_policy></vm></action>`,
    );
    expect(once.status, once.text).toBe(200);
    expect(await runningOn(b())).toContain(free);
    const dataDir = app().dataDir;
    await app().app.close();
    // What RunVm's first transaction leaves (intents.ts): the VM rows' snapshot, the intent,
    // the VM `wait_for_launch` on B — for `onB` before its domain started, for `free` after.
    const d = openDatabase(join(dataDir, 'engine.db'));
    try {
      d.transaction((tx) => {
        for (const id of [onB, free]) {
          const snapshot = d.snapshot('vm', 'id', id);
          intentsRepo.insert(tx, {
            id: crypto.randomUUID(),
            command: 'RunVm',
            kind: 'vm',
            payload: { vmIds: [id] },
            hostId: bId,
            snapshot: [snapshot],
            hostNetworks: [],
            vmIds: [id],
          });
          vmsRepo.update(tx, id, { status: 'wait_for_launch', hostId: bId });
        }
      });
    } finally {
      d.close();
    }
    restarted = await compose({
      dataDir,
      port: 0,
      adminPassword: ADMIN_PASSWORD,
      hostEnrollmentListen: `${must(underlay).net}.1:0`,
    });
    const engine = restarted.engine;
    const vmStatus = async (id: string): Promise<string> => {
      const r = await engine.invoke(ADMIN, 'GetVmById', { id });
      return r.ok ? r.result.status : 'missing';
    };
    const hostUp = async (): Promise<string> => {
      const r = await engine.invoke(ADMIN, 'GetHostById', { id: bId });
      return r.ok ? r.result.status : 'missing';
    };
    const t0 = Date.now();
    await until(hostUp, 'up', 30_000);
    await until(() => vmStatus(free), 'up', 10_000);
    await until(() => vmStatus(onB), 'down', 10_000);
    console.log(`after the restart: B up, its VMs recovered in ${Date.now() - t0} ms`);
    const f = await engine.invoke(ADMIN, 'GetVmById', { id: free });
    expect(f.ok && f.result.hostId).toBe(bId);
    const o = await engine.invoke(ADMIN, 'GetVmById', { id: onB });
    expect(o.ok && o.result.hostId).toBeNull();
    expect(await runningOn(b())).not.toContain(onB);
    // No intent is left, and StopVm reaches B through the new connection.
    const stopped = await engine.invoke(ADMIN, 'StopVm', { id: free });
    expect(stopped.ok).toBe(true);
    expect(await runningOn(b())).not.toContain(free);
  });
});
