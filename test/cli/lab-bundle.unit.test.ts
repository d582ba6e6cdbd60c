// SPDX-License-Identifier: Apache-2.0
/**
 * Issue 15 portable bundles, the parts that need no engine: the clash check and remap
 * (cli/lab/bundle/remap.ts) as a table, the lab file written back (lab-yaml.ts) loading to the
 * same lab, and bundle verification (archive.ts) with real `tar` and `qemu-img`: a good bundle
 * opens; a flipped byte, a truncated file, an unexpected member, a member missing from the
 * manifest and an image with a backing file are each refused with BundleInvalid.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  BUNDLE_FORMAT,
  BUNDLE_VERSION,
  BundleInvalid,
  LAB_FILE,
  openBundle,
  packBundle,
} from '../../cli/lab/bundle/archive';
import { labToYaml } from '../../cli/lab/bundle/lab-yaml';
import {
  freeBlock,
  NameTaken,
  overlaps,
  remapLab,
  subnetsOf,
  type Taken,
  translate,
} from '../../cli/lab/bundle/remap';
import { loadLab } from '../../cli/lab/load';
import type { Lab } from '../../cli/lab/model';

const LAB_YAML = `lab: demo
networks:
  front:
    mtu: 9000
    address_plan:
      cidr: 10.20.0.0/24
      gateway: 10.20.0.1
      dhcp: { start: 10.20.0.100, end: 10.20.0.150 }
      dns_servers: [10.20.0.1]
  back:
    mtu: 1500
vms:
  web:
    template: tiny
    memory: 192MiB
    nics:
      - network: front
        address: 10.20.0.11
      - network: back
        address: 10.96.0.2/16
  db:
    template: tiny
    memory: 192MiB
    depends_on: [web]
    nics:
      - network: back
        address: 10.96.0.3/16
`;

/** Item `i` of a list the test built itself (present by construction). */
function at<T>(list: readonly T[], i: number): T {
  const v = list[i];
  if (v === undefined) throw new Error(`no item ${i}`);
  return v;
}

function lab(): Lab {
  const r = loadLab(LAB_YAML);
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.lab;
}

const nothing: Taken = {
  labNames: new Set(),
  networkNames: new Set(),
  hostDevices: new Set(),
  vmNames: new Set(),
  subnets: [],
};

describe('IPv4 blocks', () => {
  it('overlap, free blocks and translation keep the host part', () => {
    expect(overlaps('10.20.0.0/24', '10.20.0.128/25')).toBe(true);
    expect(overlaps('10.20.0.0/24', '10.20.1.0/24')).toBe(false);
    expect(overlaps('10.0.0.0/8', '10.96.0.0/16')).toBe(true);
    expect(freeBlock(24, ['10.0.0.0/24', '10.0.1.0/24', '10.0.2.0/23'])).toBe('10.0.4.0/24');
    expect(freeBlock(16, ['10.0.0.0/8'])).toBe('172.16.0.0/16');
    expect(translate('10.20.0.11', '10.20.0.0/24', '10.0.5.0/24')).toBe('10.0.5.11');
    expect(translate('192.168.1.1', '10.20.0.0/24', '10.0.5.0/24')).toBe('192.168.1.1');
    expect(subnetsOf(at(lab().networks, 1), lab().vms)).toEqual(['10.96.0.0/16']);
  });
});

describe('remapLab', () => {
  it('changes nothing when nothing clashes', () => {
    const r = remapLab(lab(), nothing);
    expect(r.changes).toEqual([]);
    expect(r.lab).toEqual(lab());
  });

  it('renames a network whose bridge name is a host device, and its NICs follow', () => {
    const r = remapLab(lab(), { ...nothing, hostDevices: new Set(['front', 'front2']) });
    expect(r.changes).toEqual([
      expect.objectContaining({ kind: 'network', from: 'front', to: 'front3' }),
    ]);
    expect(r.changes[0]?.reason).toContain('device "front" already exists on the host');
    expect(r.lab.networks.map((n) => n.name)).toEqual(['front3', 'back']);
    expect(r.lab.vms[0]?.nics[0]?.network).toBe('front3');
  });

  it('keeps a renamed bridge within 15 characters and keeps its start', () => {
    const l = lab();
    const long: Lab = {
      ...l,
      networks: [{ ...at(l.networks, 1), name: 'abcdefghijklmno' }],
      vms: [],
    };
    const r = remapLab(long, { ...nothing, networkNames: new Set(['abcdefghijklmno']) });
    expect(r.lab.networks[0]?.name).toBe('abcdefghijklmn2');
    expect(r.changes[0]?.reason).toContain('the engine already has a network');
  });

  it('moves an overlapping address plan: gateway, DHCP range, DNS and static addresses follow', () => {
    const r = remapLab(lab(), {
      ...nothing,
      subnets: [
        { cidr: '10.20.0.0/16', source: 'host route' },
        { cidr: '10.0.0.0/24', source: 'lab segment' },
      ],
    });
    const front = at(r.lab.networks, 0);
    expect(front.addressPlan).toEqual({
      cidr: '10.0.1.0/24',
      gateway: '10.0.1.1',
      dhcp: { start: '10.0.1.100', end: '10.0.1.150' },
      dnsServers: ['10.0.1.1'],
    });
    expect(r.lab.vms[0]?.nics[0]?.address?.ip).toBe('10.0.1.11');
    // The other network's implied subnet did not overlap: unchanged.
    expect(r.lab.vms[1]?.nics[0]?.address?.ip).toBe('10.96.0.3');
    expect(r.changes.filter((c) => c.kind === 'subnet')).toEqual([
      expect.objectContaining({
        subject: 'front',
        from: '10.20.0.0/24',
        to: '10.0.1.0/24',
        reason: '10.20.0.0/24 overlaps 10.20.0.0/16 (host route)',
      }),
    ]);
    // What the remapped lab declares is still a valid lab file.
    expect(loadLab(labToYaml(r.lab)).ok).toBe(true);
  });

  it('moves the subnet a network without a plan implies from its static addresses', () => {
    const r = remapLab(lab(), {
      ...nothing,
      subnets: [{ cidr: '10.96.5.0/24', source: 'other lab' }],
    });
    // First free /16 in 10/8 that overlaps neither the other lab nor the sibling's 10.20.0.0/24.
    expect(r.lab.vms[0]?.nics[1]?.address).toEqual({ ip: '10.0.0.2', netmask: '255.255.0.0' });
    expect(r.lab.vms[1]?.nics[0]?.address?.ip).toBe('10.0.0.3');
    expect(r.lab.vms[0]?.nics[0]?.address?.ip).toBe('10.20.0.11');
  });

  it('renames taken VM names and the lab; depends_on follows', () => {
    const r = remapLab(lab(), {
      ...nothing,
      labNames: new Set(['demo']),
      vmNames: new Set(['web']),
    });
    expect(r.lab.name).toBe('demo-2');
    expect(r.lab.vms.map((v) => v.name)).toEqual(['web-2', 'db']);
    expect(r.lab.vms[1]?.dependsOn).toEqual(['web-2']);
    expect(r.changes.map((c) => c.kind).sort()).toEqual(['lab', 'vm']);
  });

  it('uses --name, and refuses a --name that is taken', () => {
    expect(remapLab(lab(), nothing, 'copy').lab.name).toBe('copy');
    expect(() => remapLab(lab(), { ...nothing, labNames: new Set(['copy']) }, 'copy')).toThrow(
      NameTaken,
    );
  });

  it('never gives two networks of the lab the same new name or subnet', () => {
    const l = lab();
    const two: Lab = {
      ...l,
      networks: [
        { ...at(l.networks, 0), name: 'net' },
        { ...at(l.networks, 0), name: 'net2' },
      ],
      vms: [],
    };
    const r = remapLab(two, {
      ...nothing,
      hostDevices: new Set(['net']),
      subnets: [{ cidr: '10.20.0.0/24', source: 'x' }],
    });
    expect(r.lab.networks.map((n) => n.name)).toEqual(['net3', 'net2']);
    const cidrs = r.lab.networks.map((n) => n.addressPlan?.cidr);
    expect(new Set(cidrs).size).toBe(2);
  });
});

describe('the lab file written back', () => {
  it('loads to the same lab', () => {
    const back = loadLab(labToYaml(lab()));
    expect(back.ok).toBe(true);
    if (back.ok) expect(back.lab).toEqual(lab());
  });
});

describe('bundle verification', () => {
  let dir: string;
  let good: string;

  const pack = async (name: string, extra?: (staging: string) => void): Promise<string> => {
    const staging = join(dir, `${name}-staging`);
    mkdirSync(join(staging, 'disks'), { recursive: true });
    writeFileSync(join(staging, LAB_FILE), LAB_YAML);
    execFileSync('qemu-img', [
      'create',
      '-q',
      '-f',
      'qcow2',
      join(staging, 'disks/web-1.qcow2'),
      '8M',
    ]);
    extra?.(staging);
    const out = join(dir, `${name}.aio`);
    await packBundle(
      staging,
      out,
      {
        format: BUNDLE_FORMAT,
        version: BUNDLE_VERSION,
        created: new Date().toISOString(),
        lab: 'demo',
        disks: [
          {
            file: 'disks/web-1.qcow2',
            vm: 'web',
            name: 'web_Disk1',
            description: '',
            virtualSize: 8 * 1048576,
            bootable: false,
            interface: 'virtio',
            active: true,
          },
        ],
        macs: [],
      },
      [LAB_FILE, 'disks/web-1.qcow2'],
    );
    return out;
  };
  const open = (bundle: string): Promise<unknown> => {
    const into = mkdtempSync(join(dir, 'open-'));
    return openBundle(bundle, into);
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'aio-bundle-unit-'));
    good = await pack('good');
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('opens a good bundle: manifest, lab and verified members', async () => {
    const b = (await open(good)) as Awaited<ReturnType<typeof openBundle>>;
    expect(b.manifest.lab).toBe('demo');
    expect(b.manifest.members.map((m) => m.path)).toEqual([LAB_FILE, 'disks/web-1.qcow2']);
    expect(b.manifest.members.every((m) => /^[0-9a-f]{64}$/.test(m.sha256))).toBe(true);
    expect(b.lab.vms.map((v) => v.name)).toEqual(['web', 'db']);
  });

  it('refuses a bundle with one byte changed (checksum)', async () => {
    const bytes = readFileSync(good);
    // Flip a byte inside the lab file's data (after the manifest's), keeping the tar valid.
    const at = bytes.indexOf(Buffer.from('lab: demo'));
    expect(at).toBeGreaterThan(0);
    bytes[at + 5] = 'X'.charCodeAt(0);
    const bad = join(dir, 'flipped.aio');
    writeFileSync(bad, bytes);
    await expect(open(bad)).rejects.toThrow(/checksum mismatch for lab\.yml/);
  });

  it('refuses a truncated bundle', async () => {
    const bad = join(dir, 'truncated.aio');
    writeFileSync(bad, readFileSync(good));
    truncateSync(bad, Math.floor(readFileSync(good).length / 2));
    await expect(open(bad)).rejects.toThrow(BundleInvalid);
  });

  it('refuses a member that is not in the manifest or not expected', async () => {
    const extra = await pack('extra', (s) => {
      writeFileSync(join(s, 'disks/evil.qcow2'), 'x');
    });
    // packBundle only lists what it is given: add the file to the tar by hand.
    execFileSync('tar', ['-rf', extra, '-C', join(dir, 'extra-staging'), 'disks/evil.qcow2']);
    await expect(open(extra)).rejects.toThrow(/disks\/evil\.qcow2 is not in the manifest/);
    const odd = join(dir, 'odd.aio');
    writeFileSync(join(dir, 'notes.txt'), 'x');
    execFileSync('tar', ['-cf', odd, '-C', dir, 'notes.txt']);
    await expect(open(odd)).rejects.toThrow(/unexpected member "notes.txt"/);
  });

  it('refuses an image with a backing file (it would read a file of the target host)', async () => {
    const backed = await pack('backed', (s) => {
      rmSync(join(s, 'disks/web-1.qcow2'));
      execFileSync('qemu-img', [
        'create',
        '-q',
        '-f',
        'qcow2',
        '-F',
        'raw',
        '-b',
        '/etc/hostname',
        join(s, 'disks/web-1.qcow2'),
        '8M',
      ]);
    });
    await expect(open(backed)).rejects.toThrow(/not a self-contained qcow2/);
  });
});
