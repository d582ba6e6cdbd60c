// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from 'vitest';

import { LockManager, LockTimeoutError } from './locks';

describe('LockManager', () => {
  it('serializes holders of the same key and times out waiters', async () => {
    const locks = new LockManager();
    const order: string[] = [];
    const release = await locks.acquire(['a', 'b'], 100);
    const waiter = locks.acquire(['b'], 1000).then((r) => {
      order.push('second');
      r();
    });
    await expect(locks.acquire(['a'], 20)).rejects.toBeInstanceOf(LockTimeoutError);
    order.push('first');
    release();
    await waiter;
    expect(order).toEqual(['first', 'second']);
    // A timed-out waiter does not block later ones.
    const again = await locks.acquire(['a'], 50);
    again();
    expect(locks.isLocked('a')).toBe(false);
  });
  it('lets different keys proceed in parallel', async () => {
    const locks = new LockManager();
    const r1 = await locks.acquire(['x'], 10);
    const r2 = await locks.acquire(['y'], 10);
    r1();
    r2();
  });
});
