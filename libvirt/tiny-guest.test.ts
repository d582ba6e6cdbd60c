// SPDX-License-Identifier: Apache-2.0
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import { HostError } from '../main/contract/errors';
import type { GuestNicAddress } from './host-agent';
import {
  aioCacheDir,
  parseReadyLine,
  readTinyGuest,
  tinyGuestCmdline,
  type TinyGuestManifest,
  tinyGuestManifestPath,
} from './tiny-guest';

const nic = (n: string, address: string, prefix: number): GuestNicAddress => ({
  nic: n,
  address,
  prefix,
});

describe('tinyGuestCmdline', () => {
  it('asks DHCP for a NIC given boot protocol dhcp, next to static ones', () => {
    expect(
      tinyGuestCmdline({
        name: 'vm',
        addresses: [{ nic: 'eth0', bootProtocol: 'dhcp' }, nic('eth1', '10.1.0.1', 24)],
      }),
    ).toBe('console=ttyS0 quiet aio.name=vm aio.ip=eth0:dhcp aio.ip=eth1:10.1.0.1/24');
    expect(() =>
      tinyGuestCmdline({
        name: 'vm',
        addresses: [{ nic: 'eth0', bootProtocol: 'dhcp' }, nic('eth0', '10.1.0.1', 24)],
      }),
    ).toThrow(/more than one/);
  });

  it('puts the console, the name and one aio.ip per address, in order', () => {
    expect(
      tinyGuestCmdline({
        name: 'vm1',
        addresses: [nic('eth0', '10.0.0.1', 24), nic('eth1', '10.1.0.1', 16)],
      }),
    ).toBe('console=ttyS0 quiet aio.name=vm1 aio.ip=eth0:10.0.0.1/24 aio.ip=eth1:10.1.0.1/16');
  });

  it('accepts no addresses and IPv6 addresses', () => {
    expect(tinyGuestCmdline({ name: 'a.b-c_d', addresses: [] })).toBe(
      'console=ttyS0 quiet aio.name=a.b-c_d',
    );
    expect(tinyGuestCmdline({ name: 'v', addresses: [nic('eth0', 'fd00::1', 64)] })).toContain(
      'aio.ip=eth0:fd00::1/64',
    );
  });

  it.each([
    ['', 'empty'],
    ['vm 1', 'space'],
    ['vm1 init=/bin/sh', 'injected parameter'],
    ['"vm"', 'quotes'],
    ["vm'1", 'quote'],
    ['vm\n1', 'newline'],
    ['vm\t1', 'tab'],
    ['vm\u00001', 'NUL'],
    ['vm=1', 'equals'],
    ['-vm', 'leading dash'],
    ['x'.repeat(64), 'too long'],
  ])('rejects the name %j (%s)', (name) => {
    expect(() => tinyGuestCmdline({ name, addresses: [] })).toThrow(HostError);
  });

  it.each([
    [nic('eth0 init=/bin/sh', '10.0.0.1', 24)],
    [nic('eth0:1', '10.0.0.1', 24)],
    [nic('ETH0', '10.0.0.1', 24)],
    [nic('a'.repeat(16), '10.0.0.1', 24)],
    [nic('eth0', '10.0.0.1 init=/bin/sh', 24)],
    [nic('eth0', '10.0.0.256', 24)],
    [nic('eth0', '10.0.0', 24)],
    [nic('eth0', 'fe80::1%eth0', 64)],
    [nic('eth0', '10.0.0.1/24', 24)],
    [nic('eth0', '10.0.0.1', 33)],
    [nic('eth0', '10.0.0.1', -1)],
    [nic('eth0', '10.0.0.1', 24.5)],
    [nic('eth0', 'fd00::1', 129)],
  ])('rejects the address %j', (address) => {
    expect(() => tinyGuestCmdline({ name: 'vm', addresses: [address] })).toThrow(
      expect.objectContaining({ code: 'HOST_NETWORK_INVALID' }),
    );
  });

  it('rejects a NIC given twice', () => {
    expect(() =>
      tinyGuestCmdline({
        name: 'vm',
        addresses: [nic('eth0', '10.0.0.1', 24), nic('eth0', '10.0.0.2', 24)],
      }),
    ).toThrow(/more than one address/);
  });

  it('never yields more parameters than name plus one per address', () => {
    const line = tinyGuestCmdline({ name: 'vm', addresses: [nic('eth1', '192.168.1.1', 32)] });
    expect(line.split(' ')).toHaveLength(4);
  });
});

describe('parseReadyLine', () => {
  const log =
    'noise\r\nAIO-WARN no device eth2\r\n' +
    'AIO-READY name=vm1 eth0=10.0.0.1/24,mtu=9000 eth1=fd00::1/64,mtu=1500\r\n\r\naio# ';

  it('parses the line out of a serial log', () => {
    expect(parseReadyLine(log)).toEqual({
      name: 'vm1',
      nics: [
        { nic: 'eth0', cidr: '10.0.0.1/24', mtu: 9000 },
        { nic: 'eth1', cidr: 'fd00::1/64', mtu: 1500 },
      ],
    });
  });

  it('parses a guest without addresses', () => {
    expect(parseReadyLine('AIO-READY name=x\n')).toEqual({ name: 'x', nics: [] });
  });

  it('waits for the newline of a half-written line', () => {
    expect(parseReadyLine('boot\nAIO-READY name=vm1 eth0=10.0.0.1/24,mtu=90')).toBeNull();
    expect(parseReadyLine('boot\n')).toBeNull();
  });

  it('rejects a malformed line', () => {
    expect(parseReadyLine('AIO-READY name=vm1 eth0=10.0.0.1/24\n')).toBeNull();
  });
});

describe('aioCacheDir', () => {
  it('prefers AIO_CACHE_DIR, then XDG_CACHE_HOME, then HOME', () => {
    expect(aioCacheDir({ AIO_CACHE_DIR: '/c', XDG_CACHE_HOME: '/x', HOME: '/h' })).toBe('/c');
    expect(aioCacheDir({ XDG_CACHE_HOME: '/x', HOME: '/h' })).toBe('/x/aio-lab');
    expect(aioCacheDir({ HOME: '/h' })).toBe('/h/.cache/aio-lab');
  });
});

describe('readTinyGuest', () => {
  let dir = '';
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('names npm run setup when nothing was built', () => {
    dir = mkdtempSync(join(tmpdir(), 'aio-h1-tiny-'));
    expect(() => readTinyGuest(dir)).toThrow(/npm run setup/);
  });

  it('returns the manifest when the files match, and refuses when one changed', () => {
    dir = mkdtempSync(join(tmpdir(), 'aio-h1-tiny-'));
    writeFileSync(join(dir, 'vmlinuz'), 'kernel');
    writeFileSync(join(dir, 'initrd.gz'), 'initrd!');
    const manifest: TinyGuestManifest = {
      name: 'tiny',
      hash: '0123456789abcdef',
      kernelPath: join(dir, 'vmlinuz'),
      initrdPath: join(dir, 'initrd.gz'),
      kernelVersion: '6.1.0-1-cloud-amd64',
      kernelPackage: 'linux-image-6.1.0-1-cloud-amd64',
      kernelPackageVersion: '6.1.1-1',
      busyboxVersion: '1:1.35.0-4',
      kernelBytes: 6,
      initrdBytes: 7,
      modules: ['virtio'],
      builtAt: '2026-01-01T00:00:00.000Z',
    };
    writeFileSync(tinyGuestManifestPath(dir), JSON.stringify(manifest));
    expect(readTinyGuest(dir)).toEqual(manifest);
    writeFileSync(join(dir, 'initrd.gz'), 'other size');
    expect(() => readTinyGuest(dir)).toThrow(/changed size.*npm run setup/);
  });
});
