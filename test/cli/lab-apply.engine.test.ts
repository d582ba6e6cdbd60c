// SPDX-License-Identifier: Apache-2.0
/**
 * Issue 15, first step, end to end: a real engine (temp data dir, real SQLite, real bridges)
 * and the `aio` command run as a child process, exactly as a user runs it (cli/aio.mjs).
 * A lab with two isolated networks (one with DHCP/DNS) and two tiny VMs (not booted):
 * an invalid file changes nothing (exit 2, line-precise errors); apply creates it; a second
 * apply reports no change; an MTU edit changes only that network, on the host too; destroy
 * leaves nothing (API and `ip link`) and does not touch what the lab does not own.
 * The lab is an engine object (`/labs`, resources tagged with it); a second lab in the same
 * engine cannot take the first one's network and survives the first one's destroy.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { hostPortOf, namespaceOf } from '../../libvirt/segment/names';
import {
  ADMIN_PASSWORD,
  API,
  type Appliance,
  entity,
  items,
  runPrefix,
  startAppliance,
} from '../functional/support';
import { ipLink } from '../support/host-inspect';
import { hostTestSkipReason } from '../support/run-prefix';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const AIO = join(ROOT, 'cli', 'aio.mjs');

interface Ran {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

const skip = hostTestSkipReason();
if (skip !== false) console.log(`aio lab engine test skipped: ${skip}`);

describe.skipIf(skip !== false)('aio lab against a real engine', () => {
  let a: Appliance;
  let dir: string;
  const p = runPrefix();
  const red = `${p}red`;
  const blue = `${p}blue`;
  const stranger = `${p}hand`;
  const vmA = `${p}-a`;
  const vmB = `${p}-b`;
  const labName = `lab-${p}`;

  const aio = (...args: string[]): Promise<Ran> =>
    new Promise((resolve) => {
      execFile(
        process.execPath,
        [AIO, ...args],
        {
          cwd: ROOT,
          env: { ...process.env, AIO_URL: a.origin, AIO_PASSWORD: ADMIN_PASSWORD },
          timeout: 120_000,
        },
        (err, stdout, stderr) => {
          const code = err === null ? 0 : typeof err.code === 'number' ? err.code : -1;
          resolve({ code, stdout, stderr });
        },
      );
    });

  const labText = (redMtu: number): string => `lab: ${labName}
networks:
  ${red}:
    mtu: ${redMtu}
  ${blue}:
    mtu: 1400
    address_plan:
      cidr: 10.93.0.0/24
      dhcp: { start: 10.93.0.100, end: 10.93.0.199 }
      dns_domain: lab.internal
vms:
  ${vmA}:
    template: tiny
    memory: 128MiB
    nics:
      - network: ${red}
        address: 192.168.93.1/24
      - network: ${blue}
        address: 10.93.0.10
    cloud_init: { user: lab, ssh_keys: ["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBx7 lab@test"] }
  ${vmB}:
    template: tiny
    memory: 128MiB
    nics:
      - network: ${blue}
    depends_on: [${vmA}]
`;
  const file = (): string => join(dir, 'lab.yml');
  const write = (text: string): void => {
    writeFileSync(file(), text);
  };

  const networks = async (): Promise<Record<string, unknown>[]> =>
    items(
      (await a.request('GET', `${API}/networks`, { format: 'json' })).body,
      'networks',
      'network',
    );
  const vms = async (): Promise<Record<string, unknown>[]> =>
    items((await a.request('GET', `${API}/vms`, { format: 'json' })).body, 'vms', 'vm');
  const ours = (list: Record<string, unknown>[]): string[] =>
    list
      .map((x) => String(x.name))
      .filter((n) => n.startsWith(p))
      .sort();

  beforeAll(async () => {
    a = await startAppliance();
    dir = mkdtempSync(join(tmpdir(), 'aio-cli-'));
  });
  afterAll(async () => {
    // Leave the host clean even when an assertion failed half-way.
    if (a !== undefined) {
      await aio('lab', 'destroy', labName).catch(() => undefined);
      await aio('lab', 'destroy', `lab2-${p}`).catch(() => undefined);
      await a.stop();
    }
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it('refuses an invalid file with line-precise errors and changes nothing (exit 2)', async () => {
    write(labText(1500).replace('    mtu: 1400\n', '    mtu: 1400\n    stp: true\n'));
    const r = await aio('lab', 'apply', '--no-start', '-f', file());
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`${file()}:7:5: networks.${blue}.stp: unknown field`);
    expect(r.stderr).toContain('nothing was changed');
    write(labText(1500).replace(`network: ${red}`, 'network: nowhere'));
    const r2 = await aio('lab', 'validate', '-f', file());
    expect(r2.code).toBe(2);
    expect(r2.stderr).toContain(`${file()}:16:18: vms.${vmA}.nics.0.network: no network "nowhere"`);
    expect(ours(await networks())).toEqual([]);
    expect(ours(await vms())).toEqual([]);
  });

  it('applies the lab: networks on the host with their MTU, VMs with NICs on them', async () => {
    // Something the lab does not own, which no lab command may touch.
    const made = await a.request('POST', `${API}/networks`, {
      format: 'json',
      body: JSON.stringify({ name: stranger, isolated: true, data_center: { name: 'Default' } }),
    });
    expect(made.status).toBe(201);
    write(labText(1500));
    expect((await aio('lab', 'validate', '-f', file())).code).toBe(0);
    const r = await aio('lab', 'apply', '--no-start', '-f', file());
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('Plan: 4 to create, 0 to change, 0 to remove, 0 unchanged.');
    expect(ours(await networks())).toEqual([blue, stranger, red].sort());
    expect(ours(await vms())).toEqual([vmA, vmB].sort());
    expect((await ipLink(red))?.mtu).toBe(1500);
    expect((await ipLink(blue))?.mtu).toBe(1400);
    // The DHCP/DNS service of the address plan joined blue's bridge.
    expect((await ipLink(hostPortOf(blue)))?.master).toBe(blue);

    const list = JSON.parse((await aio('net', 'list', '--output', 'json')).stdout) as {
      name: string;
      lab: string;
      mtu: number;
    }[];
    expect(list.find((n) => n.name === red)).toMatchObject({ lab: labName, mtu: 1500 });
    expect(list.find((n) => n.name === stranger)?.lab).toBe('');

    const a1 = (await vms()).find((v) => v.name === vmA);
    const nics = items(
      (await a.request('GET', `${API}/vms/${String(a1?.id)}/nics`, { format: 'json' })).body,
      'nics',
      'nic',
    );
    expect(nics.map((n) => n.name)).toEqual(['nic1', 'nic2']);
    const got = entity(
      (await a.request('GET', `${API}/vms/${String(a1?.id)}`, { format: 'json' })).body,
      'vm',
    );
    expect(JSON.stringify(got.initialization)).toContain('10.93.0.10');

    // The lab is an engine object listing its networks and VMs, in JSON and XML.
    const labs = items(
      (
        await a.request('GET', `${API}/labs?search=${encodeURIComponent(`name=${labName}`)}`, {
          format: 'json',
        })
      ).body,
      'labs',
      'lab',
    );
    expect(labs.map((l) => l.name)).toEqual([labName]);
    const labId = String(labs[0]?.id);
    const labVms = items(
      (await a.request('GET', `${API}/labs/${labId}/vms`, { format: 'json' })).body,
      'vms',
      'vm',
    );
    expect(labVms.map((v) => v.name).sort()).toEqual([vmA, vmB].sort());
    const xml = await a.request('GET', `${API}/labs/${labId}/networks`, { format: 'xml' });
    expect(xml.text).toContain(`<name>${red}</name>`);
    expect(xml.text).toContain(`<name>${blue}</name>`);
    expect(xml.text).not.toContain(`<name>${stranger}</name>`);
    // `aio doctor` explains why the (not started) VMs cannot reach each other.
    const doc = await aio('doctor', vmA, vmB, '-o', 'json');
    expect(doc.code).toBe(1);
    const diagnosis = JSON.parse(doc.stdout) as { reachable: boolean; causes: { code: string }[] };
    expect(diagnosis.reachable).toBe(false);
    expect(diagnosis.causes.map((c) => c.code)).toContain('vm_down');
    // Descriptions no longer carry an ownership marker.
    expect(JSON.stringify(got.description ?? '')).not.toContain('aio-lab:');
  });

  it('keeps a second lab in the same engine apart from the first', async () => {
    const other = `lab2-${p}`;
    const otherFile = join(dir, 'other.yml');
    // Naming the first lab's network is a conflict: exit 1, nothing changed.
    writeFileSync(otherFile, `lab: ${other}\nnetworks:\n  ${red}: {}\n`);
    const clash = await aio('lab', 'apply', '--no-start', '-f', otherFile);
    expect(clash.code).toBe(1);
    expect(clash.stdout).toContain(
      `network "${red}" already exists and belongs to lab "${labName}"`,
    );
    // Its own network is fine; the engine refuses to tag the first lab's VM with it.
    writeFileSync(otherFile, `lab: ${other}\nnetworks:\n  ${p}green: {}\n`);
    expect((await aio('lab', 'apply', '--no-start', '-f', otherFile)).code).toBe(0);
    const labs = items(
      (await a.request('GET', `${API}/labs`, { format: 'json' })).body,
      'labs',
      'lab',
    );
    const otherId = String(labs.find((l) => l.name === other)?.id);
    const vmAId = String((await vms()).find((v) => v.name === vmA)?.id);
    const refused = await a.request('POST', `${API}/labs/${otherId}/vms`, {
      format: 'json',
      body: JSON.stringify({ id: vmAId }),
    });
    expect(refused.status).toBe(409);
    expect(refused.text).toContain(`belongs to lab ${labName}`);
  });

  it('reports no change on a second apply', async () => {
    const r = await aio('lab', 'apply', '--no-start', '-f', file());
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('No changes');
    expect(r.stderr).toBe('');
    const plan = JSON.parse((await aio('lab', 'plan', '-f', file(), '-o', 'json')).stdout) as {
      changes: boolean;
      items: { action: string }[];
    };
    expect(plan.changes).toBe(false);
    expect(plan.items.map((i) => i.action)).toEqual(['leave', 'leave', 'leave', 'leave']);
  });

  it('changes only the network whose MTU was edited', async () => {
    const before = (await vms()).filter((v) => String(v.name).startsWith(p)).map((v) => v.id);
    write(labText(9000));
    const plan = JSON.parse((await aio('lab', 'plan', '-f', file(), '-o', 'json')).stdout) as {
      items: { name: string; action: string; changes: string[] }[];
    };
    expect(plan.items.filter((i) => i.action !== 'leave')).toEqual([
      { kind: 'network', name: red, action: 'change', changes: ['mtu: 1500 → 9000'] },
    ]);
    const r = await aio('lab', 'apply', '--no-start', '-f', file());
    expect(r.code).toBe(0);
    expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(`✓ change network ${red}`)]);
    expect((await ipLink(red))?.mtu).toBe(9000);
    expect((await ipLink(blue))?.mtu).toBe(1400);
    const after = (await vms()).filter((v) => String(v.name).startsWith(p)).map((v) => v.id);
    expect(after).toEqual(before);
    expect((await aio('lab', 'apply', '--no-start', '-f', file())).stdout).toContain('No changes');
  });

  it('destroys exactly what the lab created: nothing left in the API or on the host', async () => {
    const r = await aio('lab', 'destroy', '-f', file());
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('4 to remove');
    // The second lab and the hand-made network are still there; the first lab is gone.
    expect(ours(await networks())).toEqual([`${p}green`, stranger].sort());
    expect(ours(await vms())).toEqual([]);
    const left = items(
      (await a.request('GET', `${API}/labs`, { format: 'json' })).body,
      'labs',
      'lab',
    );
    expect(left.map((l) => l.name)).toEqual([`lab2-${p}`]);
    expect(await ipLink(red)).toBeUndefined();
    expect(await ipLink(blue)).toBeUndefined();
    expect(await ipLink(hostPortOf(blue))).toBeUndefined();
    expect(existsSync(`/run/netns/${namespaceOf(blue)}`)).toBe(false);
    // A second destroy has nothing to do.
    const again = await aio('lab', 'destroy', labName);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('No changes');
    expect((await aio('lab', 'destroy', `lab2-${p}`)).code).toBe(0);
    expect(ours(await networks())).toEqual([stranger]);
    const strangerId = (await networks()).find((n) => n.name === stranger)?.id;
    await a.request('DELETE', `${API}/networks/${String(strangerId)}`);
  });

  it('exits 3 when the engine is unreachable and 4 when the login is refused', async () => {
    const r = await new Promise<Ran>((resolve) => {
      execFile(
        process.execPath,
        [AIO, '--url', 'http://127.0.0.1:9/ovirt-engine', 'vm', 'list'],
        { cwd: ROOT, env: { ...process.env, AIO_PASSWORD: 'x' } },
        (err, stdout, stderr) => {
          resolve({ code: typeof err?.code === 'number' ? err.code : 0, stdout, stderr });
        },
      );
    });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('cannot reach the engine');
    const bad = await new Promise<Ran>((resolve) => {
      execFile(
        process.execPath,
        [AIO, 'vm', 'list'],
        { cwd: ROOT, env: { ...process.env, AIO_URL: a.origin, AIO_PASSWORD: 'wrong-password' } },
        (err, stdout, stderr) => {
          resolve({ code: typeof err?.code === 'number' ? err.code : 0, stdout, stderr });
        },
      );
    });
    expect(bad.code).toBe(4);
    expect(bad.stderr).not.toContain('wrong-password');
  });
});
