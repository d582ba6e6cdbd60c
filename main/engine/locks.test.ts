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

describe('LockManager shared mode', () => {
  it('runs shared holders together, an exclusive one alone, in queue order', async () => {
    const locks = new LockManager();
    const shared = new Set(['c']);
    const s1 = await locks.acquire(['c'], 50, shared);
    const s2 = await locks.acquire(['c'], 50, shared);
    // An exclusive holder waits for both shared ones…
    const order: string[] = [];
    const ex = locks.acquire(['c'], 1000).then((r) => {
      order.push('exclusive');
      return r;
    });
    // …and a shared one queued behind it waits for it.
    const s3 = locks.acquire(['c'], 1000, shared).then((r) => {
      order.push('shared after');
      return r;
    });
    await new Promise((r) => setTimeout(r, 20));
    expect(order).toEqual([]);
    s1();
    await new Promise((r) => setTimeout(r, 10));
    expect(order).toEqual([]);
    s2();
    const rex = await ex;
    expect(order).toEqual(['exclusive']);
    rex();
    (await s3)();
    expect(order).toEqual(['exclusive', 'shared after']);
    await new Promise((r) => setTimeout(r, 0));
    expect(locks.isLocked('c')).toBe(false);
  });
  it('times out a shared waiter behind an exclusive holder', async () => {
    const locks = new LockManager();
    const r = await locks.acquire(['c'], 50);
    await expect(locks.acquire(['c'], 20, new Set(['c']))).rejects.toBeInstanceOf(LockTimeoutError);
    r();
    const again = await locks.acquire(['c'], 50, new Set(['c']));
    again();
  });
  it('counts the acquirers waiting for a key, not its holder', async () => {
    const locks = new LockManager();
    const release = await locks.acquire(['h'], 10);
    expect(locks.waiting('h')).toBe(0);
    const second = locks.acquire(['h'], 1000);
    const shared = locks.acquire(['h'], 1000, new Set(['h']));
    await Promise.resolve();
    expect(locks.waiting('h')).toBe(2);
    const timedOut = locks.acquire(['h'], 5);
    await expect(timedOut).rejects.toBeInstanceOf(LockTimeoutError);
    expect(locks.waiting('h')).toBe(2);
    release();
    (await second)();
    (await shared)();
    expect(locks.waiting('h')).toBe(0);
    expect(locks.isLocked('h')).toBe(false);
  });
});
