// SPDX-License-Identifier: Apache-2.0
/**
 * Issue 15 must-show 1, end to end: a real engine (temp data dir, real SQLite, real bridges,
 * libvirtd, QEMU under TCG) and the `aio` command run as a child process, exactly as a user runs
 * it (cli/aio.mjs). A lab with two isolated networks (red: static addresses; blue: DHCP/DNS)
 * and three tiny VMs — A on both, B on red, C on blue (DHCP):
 * an invalid file changes nothing (exit 2, line-precise errors); apply creates it; `lab start`
 * boots it (three guests, waves of the file's start order); pings typed on the guests' serial
 * consoles show A reaches B and C while B does NOT reach C (not even with a route onto its
 * red NIC: the segments are apart); a second apply reports no change; an MTU edit changes only
 * that network (plan, bridge MTU on the host; every id and running domain kept); destroy
 * leaves nothing — API, bridges, namespaces, domains, VM directories, database rows — and does
 * not touch what the lab does not own. The lab is an engine object (`/labs`, resources tagged
 * with it); a second lab in the same engine cannot take the first one's network and survives
 * the first one's destroy.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { hostPortOf, namespaceOf } from '../../libvirt/segment/names';
import { parseReadyLine } from '../../libvirt/tiny-guest';
import {
  ADMIN_PASSWORD,
  API,
  type Appliance,
  entity,
  items,
  runPrefix,
  startAppliance,
} from '../functional/support';
import { ipLink, virshState } from '../support/host-inspect';
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
  const vmC = `${p}-c`;
  const labName = `lab-${p}`;

  const aio = (...args: string[]): Promise<Ran> =>
    new Promise((resolve) => {
      execFile(
        process.execPath,
        [AIO, ...args],
        {
          cwd: ROOT,
          env: { ...process.env, AIO_URL: a.origin, AIO_PASSWORD: ADMIN_PASSWORD },
          timeout: 600_000,
        },
        (err, stdout, stderr) => {
          const code = err === null ? 0 : typeof err.code === 'number' ? err.code : -1;
          resolve({ code, stdout, stderr });
        },
      );
    });

  const labText = (redMtu: number): string => `lab: ${labName}
start:
  parallelism: 3
  boot_timeout: 600
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
    memory: 192MiB
    nics:
      - network: ${red}
        address: 192.168.93.1/24
      - network: ${blue}
        address: 10.93.0.10
    cloud_init: { user: lab, ssh_keys: ["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBx7 lab@test"] }
  ${vmB}:
    template: tiny
    memory: 192MiB
    nics:
      - network: ${red}
        address: 192.168.93.2/24
    depends_on: [${vmA}]
  ${vmC}:
    template: tiny
    memory: 192MiB
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

  /** Types `command` on the VM's serial console; its exit status, read from the guest. */
  let probes = 0;
  const shell = async (vm: string, command: string): Promise<number> => {
    // `m$((7))=` echoes as typed, but the shell prints `m7=`: only the answer matches (and a
    // number per call keeps an earlier answer from matching).
    const n = ++probes;
    const r = await aio(
      'vm',
      'console',
      vm,
      '--send',
      `${command} >/dev/null 2>&1; echo "m$((${n}))=$?."`,
      '--until',
      `m${n}=\\d+\\.`,
      '--timeout',
      '60',
    );
    expect(r.code, r.stderr).toBe(0);
    return Number(new RegExp(`m${n}=(\\d+)\\.`).exec(r.stdout)?.[1] ?? -1);
  };
  const ping = (vm: string, to: string): Promise<number> => shell(vm, `ping -c 3 -W 2 ${to}`);

  /** Ids of the lab's networks, vNIC profiles, VMs and vNICs, by name. */
  const ids = async (): Promise<Record<string, string>> => {
    const out: Record<string, string> = {};
    for (const n of await networks()) {
      if (ours([n]).length === 0) continue;
      out[`network ${String(n.name)}`] = String(n.id);
      const profiles = items(
        (await a.request('GET', `${API}/networks/${String(n.id)}/vnicprofiles`, { format: 'json' }))
          .body,
        'vnic_profiles',
        'vnic_profile',
      );
      for (const vp of profiles) out[`profile ${String(vp.name)}`] = String(vp.id);
    }
    for (const v of await vms()) {
      if (ours([v]).length === 0) continue;
      out[`vm ${String(v.name)}`] = String(v.id);
      const nics = items(
        (await a.request('GET', `${API}/vms/${String(v.id)}/nics`, { format: 'json' })).body,
        'nics',
        'nic',
      );
      for (const x of nics) out[`nic ${String(v.name)}/${String(x.name)}`] = String(x.id);
    }
    return out;
  };
  const ip = (...args: string[]): Promise<void> =>
    new Promise((resolve, reject) => {
      execFile('ip', args, (err) => {
        if (err === null) resolve();
        else reject(new Error(`ip ${args.join(' ')}: ${err.message}`));
      });
    });
  const virshDomid = (uuid: string): Promise<string> =>
    new Promise((resolve) => {
      execFile('virsh', ['-c', 'qemu:///system', 'domid', uuid], (err, stdout) => {
        resolve(err === null ? stdout.trim() : 'missing');
      });
    });
  /** libvirt's run-time domain id of each lab VM (a new one after any restart). */
  const domainIds = async (): Promise<Record<string, string>> => {
    const out: Record<string, string> = {};
    for (const v of await vms())
      if (ours([v]).length > 0) out[String(v.name)] = await virshDomid(String(v.id));
    return out;
  };
  /** Rows that still name the lab's VMs or networks, in the engine's own database file. */
  const dbLeftovers = (vmIds: string[], netIds: string[]): string[] => {
    const db = new Database(join(a.dataDir, 'engine.db'), { readonly: true });
    try {
      const hits: string[] = [];
      const tables = db
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%'")
        .all() as { name: string }[];
      for (const { name } of tables) {
        for (const row of db.prepare(`SELECT * FROM "${name}"`).all() as Record<
          string,
          unknown
        >[]) {
          const text = JSON.stringify(row);
          // The audit log keeps its history on purpose (oVirt's audit_log does too).
          if (name === 'audit_log') continue;
          if ([...vmIds, ...netIds, labName].some((x) => text.includes(`"${x}"`)))
            hits.push(`${name}: ${text.slice(0, 200)}`);
        }
      }
      return hits;
    } finally {
      db.close();
    }
  };

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
    expect(r.stderr).toContain(`${file()}:10:5: networks.${blue}.stp: unknown field`);
    expect(r.stderr).toContain('nothing was changed');
    write(labText(1500).replace(`network: ${red}`, 'network: nowhere'));
    const r2 = await aio('lab', 'validate', '-f', file());
    expect(r2.code).toBe(2);
    expect(r2.stderr).toContain(`${file()}:19:18: vms.${vmA}.nics.0.network: no network "nowhere"`);
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
    expect(r.stdout).toContain('Plan: 5 to create, 0 to change, 0 to remove, 0 unchanged.');
    expect(ours(await networks())).toEqual([blue, stranger, red].sort());
    expect(ours(await vms())).toEqual([vmA, vmB, vmC].sort());
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
    // The file's start order went with the lab: B and C after A (for the Labs page's Start all).
    expect(r.stderr).toContain('✓ start order stored');
    const order = items(
      (await a.request('GET', `${API}/labs/${labId}`, { format: 'json' })).body,
      'start_order',
      'vm',
    );
    const idByName = new Map((await vms()).map((v) => [String(v.name), String(v.id)]));
    const after = (vm: string): unknown => order.find((o) => o.id === idByName.get(vm))?.depends_on;
    expect(after(vmA)).toBeUndefined();
    expect(JSON.stringify(after(vmB))).toContain(String(idByName.get(vmA)));
    expect(JSON.stringify(after(vmC))).toContain(String(idByName.get(vmA)));
    const labVms = items(
      (await a.request('GET', `${API}/labs/${labId}/vms`, { format: 'json' })).body,
      'vms',
      'vm',
    );
    expect(labVms.map((v) => v.name).sort()).toEqual([vmA, vmB, vmC].sort());
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

  it(
    'boots with one start: A reaches B and C, B does not reach C (pings on the guests)',
    { timeout: 900_000 },
    async () => {
      const t0 = Date.now();
      const up = await aio('lab', 'start', '-f', file());
      expect(up.code, up.stderr).toBe(0);
      expect(up.stdout).toContain('3 VM(s) answering, 0 not.');
      // C leased its address from blue's DHCP service: the guest's ready line names it.
      const cId = String((await vms()).find((v) => v.name === vmC)?.id);
      const serial = readFileSync(join(a.dataDir, 'vms', cId, 'serial.log'), 'utf8');
      const ready = parseReadyLine(serial);
      const cAddress = ready?.nics.find((n) => n.nic === 'eth0')?.cidr.split('/')[0] ?? '';
      expect(cAddress, serial.slice(-1500)).toMatch(/^10\.93\.0\.\d+$/);

      expect(await ping(vmA, '192.168.93.2')).toBe(0);
      expect(await ping(vmB, '192.168.93.1')).toBe(0);
      expect(await ping(vmA, cAddress)).toBe(0);
      expect(await ping(vmC, '10.93.0.10')).toBe(0);
      // B and C share no network. Give B a route to C's subnet through its only (red) NIC, so
      // the only thing that can stop the ping is that C is not on red's segment.
      expect(await shell(vmB, 'ip route add 10.93.0.0/24 dev eth0')).toBe(0);
      expect(await ping(vmB, cAddress)).not.toBe(0);
      expect(await ping(vmC, '192.168.93.2')).not.toBe(0);
      console.log(`[lab-apply] start + 7 probes: ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    },
  );

  it(
    'aio doctor proves reach and no reach by a ping on the guest, and sees the host break isolation and sync',
    { timeout: 600_000 },
    async () => {
      interface Diagnosis {
        reachable: boolean;
        causes: { code: string; network: string | null; detail: string }[];
        probe: {
          network: string;
          address: string;
          reached: boolean | null;
          evidence: string;
        } | null;
      }
      const doctor = async (x: string, y: string, ...flags: string[]): Promise<Diagnosis> => {
        const r = await aio('doctor', x, y, '-o', 'json', ...flags);
        expect([0, 1], r.stderr).toContain(r.code);
        return JSON.parse(r.stdout) as Diagnosis;
      };
      const ab = await doctor(vmA, vmB);
      expect(ab).toMatchObject({ reachable: true, causes: [] });
      expect(ab.probe).toMatchObject({ network: red, address: '192.168.93.2', reached: true });
      expect(ab.probe?.evidence).toMatch(/bytes from 192\.168\.93\.2/);
      // B and C: no shared network, and B's ping to C's leased address gets no reply.
      const bc = await doctor(vmB, vmC);
      expect(bc.reachable).toBe(false);
      expect(bc.causes.map((c) => c.code)).toEqual(['different_networks']);
      expect(bc.probe).toMatchObject({ network: blue, reached: false });
      expect(bc.probe?.evidence).toMatch(/0 packets received/);
      // A bad probe value is a clear fault, not a guess.
      const ids = new Map((await vms()).map((v) => [String(v.name), String(v.id)]));
      const bad = await a.request(
        'GET',
        `${API}/doctor?vm=${ids.get(vmA) ?? ''}&peer=${ids.get(vmB) ?? ''}&probe=maybe`,
      );
      expect(bad.status).toBe(400);
      expect(bad.text).toContain('is not a boolean (true or false)');
      // C's DHCP lease is in the segment's lease file: no no_dhcp_lease for the pair A, C.
      expect((await doctor(vmA, vmC, '--no-probe')).causes).toEqual([]);

      // Behind the engine's back: an address on red's bridge breaks the isolation rules …
      await ip('addr', 'add', '192.168.93.254/24', 'dev', red);
      try {
        const broken = await doctor(vmA, vmB, '--no-probe');
        expect(broken.reachable).toBe(false);
        expect(broken.causes).toEqual([
          expect.objectContaining({ code: 'isolation_rules', network: red }),
        ]);
        expect(broken.causes[0]?.detail).toContain('192.168.93.254');
      } finally {
        await ip('addr', 'del', '192.168.93.254/24', 'dev', red);
      }
      // … and another MTU on blue's bridge puts it out of sync with the engine.
      await ip('link', 'set', blue, 'mtu', '1300');
      try {
        const off = await doctor(vmA, vmC, '--no-probe');
        expect(off.causes).toEqual([
          {
            code: 'bridge_out_of_sync',
            network: blue,
            detail: `bridge ${blue} is out of sync with the engine: mtu 1300 (expected 1400)`,
          },
        ]);
      } finally {
        await ip('link', 'set', blue, 'mtu', '1400');
      }
      expect((await doctor(vmA, vmC, '--no-probe')).causes).toEqual([]);
    },
  );

  it('reports no change on a second apply', async () => {
    const domIds = await domainIds();
    // The same one command as a user types (with its start): nothing to create, change or boot.
    const r = await aio('lab', 'apply', '-f', file());
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('No changes');
    expect(r.stderr).not.toMatch(/✓ (create|change|remove)|starting/);
    expect(await domainIds()).toEqual(domIds);
    const plan = JSON.parse((await aio('lab', 'plan', '-f', file(), '-o', 'json')).stdout) as {
      changes: boolean;
      items: { action: string }[];
    };
    expect(plan.changes).toBe(false);
    expect(plan.items.map((i) => i.action)).toEqual(['leave', 'leave', 'leave', 'leave', 'leave']);
  });

  it('changes only the network whose MTU was edited', async () => {
    const before = await ids();
    const domIds = await domainIds();
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
    // Every network, vNIC profile, VM and vNIC keeps its id; each guest runs on in the same
    // QEMU (libvirt's domain id changes on any restart).
    expect(await ids()).toEqual(before);
    expect(await domainIds()).toEqual(domIds);
    expect((await aio('lab', 'apply', '--no-start', '-f', file())).stdout).toContain('No changes');
  });

  it('destroys exactly what the lab created: nothing left in the API or on the host', async () => {
    const vmIds = (await vms()).filter((v) => ours([v]).length > 0).map((v) => String(v.id));
    const netIds = (await networks())
      .filter((n) => n.name === red || n.name === blue)
      .map((n) => String(n.id));
    expect(vmIds).toHaveLength(3);
    const r = await aio('lab', 'destroy', '-f', file());
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('5 to remove');
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
    // No domain, VM directory or database row of the lab is left.
    for (const id of vmIds) {
      expect(await virshState(id)).toBe('missing');
      const vmDir = join(a.dataDir, 'vms', id);
      expect(existsSync(vmDir) ? readdirSync(vmDir) : 'gone').toBe('gone');
    }
    expect(dbLeftovers(vmIds, netIds)).toEqual([]);
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
