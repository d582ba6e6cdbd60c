// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from 'vitest';

import {
  modinfoDepends,
  moduleLoadOrder,
  parseKernelMetapackage,
  tinyGuestHash,
  type TinyGuestInputs,
} from './build-tiny-guest';

const init = { path: 'build/guest/rootfs/init', executable: true, sha256: 'aa' };
const builder = { path: 'build/guest/build-tiny-guest.ts', executable: false, sha256: 'bb' };
const inputs: TinyGuestInputs = {
  kernelPackage: 'linux-image-6.1.0-56-cloud-amd64',
  kernelPackageVersion: '6.1.192-2',
  busyboxVersion: '1:1.35.0-4+deb12u1+b1',
  sources: [init, builder],
};

describe('tinyGuestHash', () => {
  it('is stable and independent of source order', () => {
    const reordered = { ...inputs, sources: [...inputs.sources].reverse() };
    expect(tinyGuestHash(inputs)).toMatch(/^[0-9a-f]{16}$/);
    expect(tinyGuestHash(reordered)).toBe(tinyGuestHash(inputs));
  });

  it.each([
    ['kernel version', { ...inputs, kernelPackageVersion: '6.1.193-1' }],
    ['kernel package', { ...inputs, kernelPackage: 'linux-image-6.1.0-57-cloud-amd64' }],
    ['busybox version', { ...inputs, busyboxVersion: '1:1.36.1-1' }],
    ['a source file', { ...inputs, sources: [{ ...init, sha256: 'ab' }, builder] }],
    ['an executable bit', { ...inputs, sources: [{ ...init, executable: false }, builder] }],
  ])('changes with the %s', (_what, changed: TinyGuestInputs) => {
    expect(tinyGuestHash(changed)).not.toBe(tinyGuestHash(inputs));
  });
});

describe('parseKernelMetapackage', () => {
  it('finds the versioned kernel package', () => {
    const show =
      'Package: linux-image-cloud-amd64\nVersion: 6.1.192-2\n' +
      'Depends: linux-image-6.1.0-56-cloud-amd64 (= 6.1.192-2)\nDescription: x\n';
    expect(parseKernelMetapackage(show)).toEqual({
      kernelPackage: 'linux-image-6.1.0-56-cloud-amd64',
      version: '6.1.192-2',
    });
  });

  it('throws when apt says nothing useful', () => {
    expect(() => parseKernelMetapackage('Package: x\n')).toThrow(/kernel package/);
  });
});

describe('moduleLoadOrder', () => {
  const deps: Record<string, string[]> = {
    virtio_net: ['virtio_ring', 'virtio', 'net_failover'],
    net_failover: ['failover'],
    virtio_pci: ['virtio_ring', 'virtio_pci_modern_dev', 'virtio_pci_legacy_dev', 'virtio'],
  };
  const dependsOf = (name: string): string[] => deps[name] ?? [];

  it('loads every dependency before its user, each once', () => {
    const order = moduleLoadOrder(['virtio_pci', 'virtio_net', 'button'], dependsOf);
    expect(order).toEqual([
      'virtio_ring',
      'virtio_pci_modern_dev',
      'virtio_pci_legacy_dev',
      'virtio',
      'virtio_pci',
      'failover',
      'net_failover',
      'virtio_net',
      'button',
    ]);
  });

  it('throws on a cycle', () => {
    expect(() => moduleLoadOrder(['a'], (n) => (n === 'a' ? ['b'] : ['a']))).toThrow(/cycle/);
  });
});

describe('modinfoDepends', () => {
  it('reads the depends field of .modinfo', () => {
    const ko = Buffer.from('\x7fELF\0license=GPL\0depends=virtio_ring,virtio\0name=virtio_net\0');
    expect(modinfoDepends(ko)).toEqual(['virtio_ring', 'virtio']);
    expect(modinfoDepends(Buffer.from('\0depends=\0name=button\0'))).toEqual([]);
  });
});
