// SPDX-License-Identifier: Apache-2.0
/**
 * Issue 15 must-show 2: `aio lab export` on one engine, `aio lab import` into a second engine
 * with its own data directory on the same machine while the first lab still exists — so its
 * bridge name and its subnet (the first lab's DHCP/DNS segment on this host) really clash —
 * the clash check remaps both, the imported lab comes up, and its VMs ping each other.
 * A disk attached to one VM travels too (download → compressed qcow2 → upload through
 * /imagetransfers) and comes back with the same content. A corrupted and a truncated bundle
 * are refused and the second engine is left untouched. Two tiny guests boot (in engine 2);
 * engine 1's lab is applied without starting (its bridge and segment exist all the same).
 */
import { execFile, execFileSync, spawn } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { EngineClient, text } from '../../cli/engine/client';
import {
  BUNDLE_FORMAT,
  BUNDLE_VERSION,
  type BundleDisk,
  LAB_FILE,
  packBundle,
} from '../../cli/lab/bundle/archive';
import { dataDomainId, downloadDisk, uploadDisk } from '../../cli/lab/bundle/transfer';
import { hostPortOf, namespaceOf } from '../../libvirt/segment/names';
import {
  ADMIN_PASSWORD,
  API,
  type Appliance,
  items,
  runPrefix,
  startAppliance,
} from '../functional/support';
import { hostPrimaryIpv4, ipLink } from '../support/host-inspect';
import { hostTestSkipReason } from '../support/run-prefix';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const AIO = join(ROOT, 'cli', 'aio.mjs');
const MiB = 1024 * 1024;

const skip = hostTestSkipReason();
if (skip !== false) console.log(`aio lab export/import test skipped: ${skip}`);

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

describe.skipIf(skip !== false)('a lab exported from one engine and imported into another', () => {
  let a1: Appliance;
  let a2: Appliance;
  let dir: string;
  const p = runPrefix();
  const labName = `bundle-${p}`;
  const net = `${p}n`;
  const vmA = `${p}-a`;
  const vmB = `${p}-b`;
  // A /24 unlikely to be used by anything else on this machine (still checked by the import).
  const third = parseInt(p.slice(2), 36) % 250;
  const cidr = `10.231.${third}.0/24`;
  const ip = (host: number): string => `10.231.${third}.${host}`;

  const aio = (a: Appliance, ...args: string[]): Promise<Run> =>
    new Promise((resolve) => {
      execFile(
        process.execPath,
        [AIO, ...args],
        {
          cwd: ROOT,
          env: {
            ...process.env,
            AIO_URL: a.origin,
            AIO_PASSWORD: ADMIN_PASSWORD,
            // Interrupted-import records of this run only.
            AIO_STATE_DIR: join(dir, 'state'),
            // An https engine's self-signed certificate (cli/README.md).
            ...(a.app.certPath !== null ? { NODE_EXTRA_CA_CERTS: a.app.certPath } : {}),
          },
          timeout: 900_000,
          maxBuffer: 16 * MiB,
        },
        (err, stdout, stderr) => {
          resolve({
            code: err === null ? 0 : typeof err.code === 'number' ? err.code : -1,
            stdout,
            stderr,
          });
        },
      );
    });
  const client = (a: Appliance): EngineClient =>
    new EngineClient({ url: a.origin, user: 'admin@internal', password: ADMIN_PASSWORD });
  const list = async (
    a: Appliance,
    path: string,
    root: string,
    item: string,
  ): Promise<Record<string, unknown>[]> =>
    items((await a.request('GET', `${API}${path}`, { format: 'json' })).body, root, item);
  /** What engine 2 has that this test could have created. */
  const ours = async (a: Appliance): Promise<unknown> => ({
    labs: (await list(a, '/labs', 'labs', 'lab')).map((l) => l.name),
    networks: (await list(a, '/networks', 'networks', 'network'))
      .map((n) => String(n.name))
      .filter((n) => n.startsWith(p)),
    vms: (await list(a, '/vms', 'vms', 'vm'))
      .map((v) => String(v.name))
      .filter((n) => n.startsWith(p)),
    disks: (await list(a, '/disks', 'disks', 'disk'))
      .map((d) => String(d.name))
      .filter((n) => n.startsWith(p)),
  });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'aio-bundle-'));
    a1 = await startAppliance();
    a2 = await startAppliance();
  });
  afterAll(async () => {
    for (const a of [a2, a1]) {
      if (a === undefined) continue;
      for (const l of await list(a, '/labs', 'labs', 'lab').catch(() => [])) {
        if (String(l.name).includes(p))
          await aio(a, 'lab', 'destroy', String(l.name)).catch(() => undefined);
      }
      await a.stop();
    }
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  it(
    'remaps the clashing bridge name and subnet, and the imported VMs ping each other',
    { timeout: 1_500_000 },
    async () => {
      const t0 = Date.now();
      // ── Engine 1: the lab (not started), with a disk on VM a ──────────────────────────
      const file = join(dir, 'lab.yml');
      writeFileSync(
        file,
        `lab: ${labName}
start:
  parallelism: 2
networks:
  ${net}:
    mtu: 1500
    address_plan:
      cidr: ${cidr}
      dhcp: { start: ${ip(100)}, end: ${ip(150)} }
vms:
  ${vmA}:
    template: tiny
    memory: 192MiB
    nics:
      - network: ${net}
        address: ${ip(11)}
  ${vmB}:
    template: tiny
    memory: 192MiB
    depends_on: [${vmA}]
    nics:
      - network: ${net}
        address: ${ip(12)}
`,
      );
      const applied = await aio(a1, 'lab', 'apply', '-f', file, '--no-start');
      expect(applied.code, applied.stderr).toBe(0);
      // The clash is real: engine 1's bridge and its DHCP/DNS segment exist on this host.
      expect(await ipLink(net)).toBeDefined();
      expect(existsSync(`/run/netns/${namespaceOf(net)}`)).toBe(true);

      const source = join(dir, 'data.qcow2');
      const raw = join(dir, 'data.raw');
      writeFileSync(raw, Buffer.alloc(4 * MiB));
      const pattern = Buffer.from(Array.from({ length: MiB }, (_, i) => (i * 7 + 3) & 255));
      const fd = readFileSync(raw);
      pattern.copy(fd, MiB);
      writeFileSync(raw, fd);
      execFileSync('qemu-img', ['convert', '-q', '-f', 'raw', '-O', 'qcow2', raw, source]);
      const c1 = client(a1);
      const vmAId = String((await list(a1, '/vms', 'vms', 'vm')).find((v) => v.name === vmA)?.id);
      const diskId = await uploadDisk(
        c1,
        {
          name: `${p}-data`,
          description: 'bundle test data',
          virtualSize: 4 * MiB,
          storageDomainId: await dataDomainId(c1),
        },
        source,
        () => undefined,
        () => undefined,
      );
      await c1.call('POST', `/vms/${vmAId}/diskattachments`, {
        disk: { id: diskId },
        bootable: false,
        interface: 'virtio',
        active: true,
      });

      // ── Export ───────────────────────────────────────────────────────────────────────
      const bundle = join(dir, 'lab.aio');
      const exported = await aio(a1, 'lab', 'export', labName, '-f', file, '-o', bundle);
      expect(exported.code, exported.stderr).toBe(0);
      expect(exported.stdout).toContain(`Lab ${labName} exported to ${bundle} (1 disk image(s))`);
      expect(exported.stderr).toMatch(/download disk .* 100%/);
      const members = execFileSync('tar', ['-tf', bundle], { encoding: 'utf8' }).trim().split('\n');
      expect(members.filter((m) => m !== 'disks/').sort()).toEqual(
        [`disks/${vmA}-1.qcow2`, 'lab.yml', 'manifest.json'].sort(),
      );
      const unpacked = join(dir, 'unpacked');
      mkdirSync(unpacked);
      execFileSync('tar', ['-xf', bundle, '-C', unpacked]);
      // The lab file as applied, with what only the user's file knew (-f): start settings, order.
      const carried = readFileSync(join(unpacked, 'lab.yml'), 'utf8');
      expect(carried).toContain(`cidr: ${cidr}`);
      expect(carried).toMatch(/start:\n {2}parallelism: 2/);
      expect(carried).toContain(`depends_on:\n      - ${vmA}`);
      const info = JSON.parse(
        execFileSync(
          'qemu-img',
          ['info', '--output=json', join(unpacked, `disks/${vmA}-1.qcow2`)],
          { encoding: 'utf8' },
        ),
      ) as { format: string; 'virtual-size': number };
      expect(info).toMatchObject({ format: 'qcow2', 'virtual-size': 4 * MiB });

      // ── A corrupted and a truncated bundle change nothing in engine 2 ────────────────
      const before = await ours(a2);
      expect(before).toEqual({ labs: [], networks: [], vms: [], disks: [] });
      const image = join(unpacked, `disks/${vmA}-1.qcow2`);
      const bytes = readFileSync(image);
      bytes[bytes.length - 1] = (bytes[bytes.length - 1] ?? 0) ^ 0xff;
      writeFileSync(image, bytes);
      const corrupted = join(dir, 'corrupted.aio');
      execFileSync('tar', [
        '--format=posix',
        '-cf',
        corrupted,
        '-C',
        unpacked,
        'manifest.json',
        'lab.yml',
        `disks/${vmA}-1.qcow2`,
      ]);
      const bad = await aio(a2, 'lab', 'import', corrupted);
      expect(bad.code, bad.stderr).toBe(2);
      expect(bad.stderr).toContain(`checksum mismatch for disks/${vmA}-1.qcow2`);
      expect(bad.stderr).toContain('nothing was changed');
      const truncated = join(dir, 'truncated.aio');
      writeFileSync(truncated, readFileSync(bundle));
      truncateSync(truncated, Math.floor(statSync(bundle).size / 2));
      const cut = await aio(a2, 'lab', 'import', truncated);
      expect(cut.code, cut.stderr).toBe(2);
      expect(await ours(a2)).toEqual(before);

      // ── Import into engine 2: bridge name and subnet remapped, lab started ─────────────
      const imported = await aio(a2, 'lab', 'import', bundle, '-p', '2', '--output', 'json');
      expect(imported.code, imported.stderr).toBe(0);
      const r = JSON.parse(imported.stdout) as {
        lab: string;
        changes: { kind: string; subject: string; from: string; to: string; reason: string }[];
        disks: number;
        start: { up: string[]; failed: unknown[] };
      };
      expect(r.lab).toBe(labName);
      expect(r.disks).toBe(1);
      const bridge = r.changes.find((c) => c.kind === 'network');
      expect(bridge).toMatchObject({ from: net });
      expect(bridge?.reason).toContain('already exists on the host');
      const newNet = String(bridge?.to);
      expect(newNet.startsWith(net)).toBe(true);
      const subnet = r.changes.find((c) => c.kind === 'subnet');
      expect(subnet).toMatchObject({ subject: newNet, from: cidr });
      expect(subnet?.reason).toContain(`lab segment of bridge ${net}`);
      const newCidr = String(subnet?.to);
      expect(newCidr).not.toBe(cidr);
      const moved = (ipText: string): string => {
        const [b = ''] = newCidr.split('/');
        return `${b.split('.').slice(0, 3).join('.')}.${ipText.split('.')[3] ?? ''}`;
      };
      expect(
        r.changes
          .filter((c) => c.kind === 'address')
          .map((c) => c.to)
          .sort(),
      ).toEqual([moved(ip(11)), moved(ip(12))].sort());
      expect(r.start.up.sort()).toEqual([vmA, vmB].sort());
      expect(r.start.failed).toEqual([]);

      // Engine 2 has the remapped network on its own bridge; engine 1's is untouched.
      const net2 = (await list(a2, '/networks', 'networks', 'network')).find(
        (n) => n.name === newNet,
      ) as { address_plan?: { subnet?: { cidr?: string } } } | undefined;
      expect(net2?.address_plan?.subnet?.cidr).toBe(newCidr);
      expect(await ipLink(newNet)).toBeDefined();
      expect((await ipLink(hostPortOf(newNet)))?.master).toBe(newNet);
      expect((await ipLink(hostPortOf(net)))?.master).toBe(net);
      expect((await list(a1, '/networks', 'networks', 'network')).some((n) => n.name === net)).toBe(
        true,
      );

      // The imported VMs ping each other on the new subnet (each way).
      for (const [from, to] of [
        [vmA, moved(ip(12))],
        [vmB, moved(ip(11))],
      ] as const) {
        const ping = await aio(
          a2,
          'vm',
          'console',
          from,
          '--send',
          `ping -c 3 -W 3 ${to} && echo PING-$((40+2))-OK`,
          '--until',
          'PING-42-OK',
          '--timeout',
          '180',
        );
        expect(ping.code, `${from} → ${to}: ${ping.stdout}${ping.stderr}`).toBe(0);
        expect(ping.stdout).toMatch(/3 packets received/);
      }

      // Exporting a running lab is refused (no snapshot is taken) and writes no file.
      const running = await aio(a2, 'lab', 'export', labName, '-o', join(dir, 'running.aio'));
      expect(running.code).toBe(1);
      expect(running.stderr).toContain('stop the lab first');
      expect(existsSync(join(dir, 'running.aio'))).toBe(false);

      // The disk came through /imagetransfers with the same content (read once the VMs are down).
      expect((await aio(a2, 'lab', 'stop', labName)).code).toBe(0);
      const c2 = client(a2);
      const vmA2 = String((await list(a2, '/vms', 'vms', 'vm')).find((v) => v.name === vmA)?.id);
      const attachments = await c2.list(`/vms/${vmA2}/diskattachments`, 'disk_attachment');
      expect(attachments).toHaveLength(1);
      const back = join(dir, 'back.qcow2');
      await downloadDisk(
        c2,
        text(attachments[0], 'disk.id') ?? text(attachments[0], 'id') ?? '',
        back,
        () => undefined,
      );
      execFileSync('qemu-img', ['compare', '-q', source, back]);
      console.log(
        `[bundle] export + refusals + import + 2 boots + pings: ${((Date.now() - t0) / 1000).toFixed(1)} s`,
      );

      // ── Clean up: both labs destroyed, nothing left on the host ──────────────────────
      expect((await aio(a2, 'lab', 'destroy', labName)).code).toBe(0);
      expect((await aio(a1, 'lab', 'destroy', labName)).code).toBe(0);
      expect(await ipLink(newNet)).toBeUndefined();
      expect(await ipLink(net)).toBeUndefined();
      expect(existsSync(`/run/netns/${namespaceOf(newNet)}`)).toBe(false);
    },
  );

  it(
    'undoes an import the engine refuses half-way: no lab, network, VM, disk or bridge is left',
    { timeout: 600_000 },
    async () => {
      // Built by hand: the second disk's name is longer than the engine accepts (255), so the
      // import fails after creating the lab, its network, its VM and uploading the first disk.
      const rbLab = `rollback-${p}`;
      const rbNet = `${p}r`;
      const rbVm = `${p}-r`;
      const staging = join(dir, 'rollback');
      mkdirSync(join(staging, 'disks'), { recursive: true });
      writeFileSync(
        join(staging, LAB_FILE),
        `lab: ${rbLab}\nnetworks:\n  ${rbNet}:\n    mtu: 1500\nvms:\n  ${rbVm}:\n    template: tiny\n    memory: 192MiB\n    nics:\n      - network: ${rbNet}\n`,
      );
      for (const n of [1, 2])
        execFileSync('qemu-img', [
          'create',
          '-q',
          '-f',
          'qcow2',
          join(staging, `disks/${rbVm}-${n}.qcow2`),
          '1M',
        ]);
      const disk = (n: number, name: string): BundleDisk => ({
        file: `disks/${rbVm}-${n}.qcow2`,
        vm: rbVm,
        name,
        description: '',
        virtualSize: MiB,
        bootable: false,
        interface: 'virtio',
        active: true,
      });
      const bundle = join(dir, 'rollback.aio');
      await packBundle(
        staging,
        bundle,
        {
          format: BUNDLE_FORMAT,
          version: BUNDLE_VERSION,
          created: new Date().toISOString(),
          lab: rbLab,
          disks: [disk(1, `${p}-ok`), disk(2, `${p}-${'x'.repeat(300)}`)],
          macs: [],
        },
        [LAB_FILE, `disks/${rbVm}-1.qcow2`, `disks/${rbVm}-2.qcow2`],
      );
      const before = await ours(a2);
      const r = await aio(a2, 'lab', 'import', bundle, '--no-start');
      expect(r.code, r.stderr).toBe(1);
      // It did get as far as creating things, and then took them back.
      expect(r.stderr).toContain(`create network ${rbNet}`);
      expect(r.stderr).toContain(`attach disk ${p}-ok to ${rbVm}`);
      expect(r.stderr).toContain('failed and was undone');
      expect(r.stderr).toContain(`undo: ✓ remove VM ${rbVm}`);
      expect(await ours(a2)).toEqual(before);
      expect(await ipLink(rbNet)).toBeUndefined();
      expect(existsSync(`/run/netns/${namespaceOf(rbNet)}`)).toBe(false);
    },
  );

  it(
    'undoes an import whose CLI was killed half-way, at the next import',
    { timeout: 600_000 },
    async () => {
      const crashLab = `crash-${p}`;
      const crashNet = `${p}k`;
      const staging = join(dir, 'crash');
      mkdirSync(join(staging, 'disks'), { recursive: true });
      writeFileSync(
        join(staging, LAB_FILE),
        `lab: ${crashLab}\nnetworks:\n  ${crashNet}:\n    mtu: 1500\nvms:\n  ${p}-k:\n    template: tiny\n    memory: 192MiB\n    nics:\n      - network: ${crashNet}\n`,
      );
      const bundle = join(dir, 'crash.aio');
      await packBundle(
        staging,
        bundle,
        {
          format: BUNDLE_FORMAT,
          version: BUNDLE_VERSION,
          created: new Date().toISOString(),
          lab: crashLab,
          disks: [],
          macs: [],
        },
        [LAB_FILE],
      );
      const before = await ours(a2);
      // Kill the CLI (SIGKILL: no handler runs) once it has created the network.
      const child = spawn(process.execPath, [AIO, 'lab', 'import', bundle, '--no-start'], {
        cwd: ROOT,
        env: {
          ...process.env,
          AIO_URL: a2.origin,
          AIO_PASSWORD: ADMIN_PASSWORD,
          AIO_STATE_DIR: join(dir, 'state'),
        },
      });
      let stderr = '';
      await new Promise<void>((resolve) => {
        child.stderr.on('data', (d: Buffer) => {
          stderr += d.toString();
          if (stderr.includes(`✓ create network ${crashNet}`)) child.kill('SIGKILL');
        });
        child.on('exit', () => {
          resolve();
        });
      });
      expect(stderr).toContain(`✓ create network ${crashNet}`);
      expect((await ours(a2)) as { networks: string[] }).toMatchObject({
        networks: expect.arrayContaining([crashNet]) as unknown,
      });
      // The next import (here of a file that does not exist) first undoes the interrupted one.
      const next = await aio(a2, 'lab', 'import', join(dir, 'missing.aio'));
      expect(next.code).toBe(2);
      expect(next.stderr).toContain(`an earlier import of lab ${crashLab}`);
      expect(await ours(a2)).toEqual(before);
      expect(await ipLink(crashNet)).toBeUndefined();
    },
  );

  it(
    'into an engine whose host it cannot see, remaps a bridge name the engine refuses and retries',
    { timeout: 600_000 },
    async () => {
      // Engine 3 listens on this machine's own address, so to the CLI it is a remote engine:
      // no host view, and the clash with a host device only shows as the engine's refusal.
      const a3 = await startAppliance({ host: await hostPrimaryIpv4(), tls: true });
      const device = `${p}d`;
      // A bridge this engine does not manage, as another engine's on the same host would be.
      execFileSync('ip', ['link', 'add', device, 'type', 'bridge']);
      try {
        const remoteLab = `remote-${p}`;
        const staging = join(dir, 'remote');
        mkdirSync(staging, { recursive: true });
        writeFileSync(
          join(staging, LAB_FILE),
          `lab: ${remoteLab}\nnetworks:\n  ${device}:\n    mtu: 1500\nvms:\n  ${p}-d:\n    template: tiny\n    memory: 192MiB\n    nics:\n      - network: ${device}\n`,
        );
        const bundle = join(dir, 'remote.aio');
        await packBundle(
          staging,
          bundle,
          {
            format: BUNDLE_FORMAT,
            version: BUNDLE_VERSION,
            created: new Date().toISOString(),
            lab: remoteLab,
            disks: [],
            macs: [],
          },
          [LAB_FILE],
        );
        const r = await aio(a3, 'lab', 'import', bundle, '--no-start', '--output', 'json');
        expect(r.code, r.stderr).toBe(0);
        expect(r.stderr).toContain('remote engine');
        expect(r.stderr).toContain(`the engine's host already has a device "${device}"`);
        const out = JSON.parse(r.stdout) as {
          changes: { kind: string; from: string; to: string }[];
        };
        expect(out.changes).toEqual([
          expect.objectContaining({ kind: 'network', from: device, to: `${device}2` }),
        ]);
        const names = (await list(a3, '/networks', 'networks', 'network')).map((n) => n.name);
        expect(names).toContain(`${device}2`);
        expect(names).not.toContain(device);
        expect((await aio(a3, 'lab', 'destroy', remoteLab)).code).toBe(0);
        expect(await ipLink(`${device}2`)).toBeUndefined();
      } finally {
        execFileSync('ip', ['link', 'del', device]);
        await a3.stop();
      }
    },
  );
});
