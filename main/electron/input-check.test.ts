// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from 'vitest';

import { checkInput } from './input-check';

describe('IPC input check', () => {
  it('accepts a well-formed AddNetwork input', () => {
    expect(
      checkInput('AddNetwork', { name: 'lab', dataCenter: { name: 'Default' }, mtu: 9000 }),
    ).toBeNull();
  });

  it('rejects unknown keys and wrong types with field paths', () => {
    const err = checkInput('AddNetwork', {
      name: 'lab',
      dataCenter: { name: 'Default' },
      mtu: '9000',
      x: 1,
    });
    expect(err?.code).toBe('INVALID_INPUT');
    expect(err?.category).toBe('BAD_PARAMETERS');
    expect(err?.fields?.map((f) => f.field)).toEqual(expect.arrayContaining(['mtu']));
  });
});
