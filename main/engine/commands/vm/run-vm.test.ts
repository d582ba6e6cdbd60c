// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from 'vitest';

import { domainNameOf, prefixOf, tapNameOf } from './run-vm.command';

describe('RunVm helpers', () => {
  it('turns netmasks and prefix lengths into prefixes', () => {
    expect(prefixOf('255.255.255.0')).toBe(24);
    expect(prefixOf('255.255.0.0')).toBe(16);
    expect(prefixOf('255.255.255.255')).toBe(32);
    expect(prefixOf('24')).toBe(24);
    expect(prefixOf('255.0.255.0')).toBeNull();
    expect(prefixOf('33')).toBeNull();
  });
  it('names taps and domains deterministically', () => {
    expect(tapNameOf('3f2b8c1e-9a7d-4e21-b0c4-5d6e7f809a1b')).toBe('ta3f2b8c1e9a7d4');
    expect(tapNameOf('3f2b8c1e-9a7d-4e21-b0c4-5d6e7f809a1b')).toHaveLength(15);
    expect(domainNameOf({ id: '3f2b8c1e-9a7d', name: 'my vm/1' })).toBe('my_vm_1-3f2b8c1e');
  });
});
