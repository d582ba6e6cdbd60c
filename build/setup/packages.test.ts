// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from 'vitest';

import { missingFromDpkgQuery, TEST_PACKAGES, wantedPackages } from './packages';

describe('packages', () => {
  it('adds the test packages only for tests', () => {
    expect(wantedPackages(false)).toContain('qemu-system-x86');
    expect(wantedPackages(false)).not.toContain('chromium');
    expect(wantedPackages(true)).toEqual(expect.arrayContaining([...TEST_PACKAGES]));
  });

  it('reads what dpkg-query says is installed', () => {
    const output = 'busybox-static installed\ndnsmasq-base config-files\n';
    expect(missingFromDpkgQuery(['busybox-static', 'dnsmasq-base', 'iproute2'], output)).toEqual([
      'dnsmasq-base',
      'iproute2',
    ]);
  });
});
