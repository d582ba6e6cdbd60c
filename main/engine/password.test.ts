// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from 'vitest';

import { hashPassword, UNKNOWN_USER_HASH, verifyPassword } from './password';

describe('password hashing', () => {
  it('verifies the right password and refuses a wrong one', async () => {
    const stored = await hashPassword('s3cret');
    expect(await verifyPassword('s3cret', stored)).toBe(true);
    expect(await verifyPassword('s3cret ', stored)).toBe(false);
  });

  it('runs a full scrypt for unknown users, and nothing matches that hash', async () => {
    const stored = await hashPassword('x');
    expect(await verifyPassword('', UNKNOWN_USER_HASH)).toBe(false);
    expect(await verifyPassword('anything', UNKNOWN_USER_HASH)).toBe(false);
    // Same scheme and work factor as real hashes: the unknown-user check is not a shortcut.
    expect(UNKNOWN_USER_HASH.split('$').slice(0, 4)).toEqual(stored.split('$').slice(0, 4));
  });
});
