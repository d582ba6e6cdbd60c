// SPDX-License-Identifier: Apache-2.0
import { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';

import { describe, expect, it } from 'vitest';

import type { Principal } from '../contract';
import { AuthService, LoginThrottled } from './auth';

const admin = { userName: 'admin@internal' } as unknown as Principal;

function basicRequest(user: string, password: string): IncomingMessage {
  const value = Buffer.from(`${user}:${password}`).toString('base64');
  const req = new IncomingMessage(new Socket());
  req.headers = { authorization: `Basic ${value}` };
  return req;
}

describe('AuthService Basic credentials', () => {
  it('checks a password with the engine once, then answers from the cache', async () => {
    const calls: string[] = [];
    const auth = new AuthService((user, password) => {
      calls.push(`${user}:${password}`);
      return Promise.resolve(password === 'right' ? admin : null);
    });
    expect((await auth.authenticate(basicRequest('admin@internal', 'right')))?.principal).toBe(
      admin,
    );
    expect((await auth.authenticate(basicRequest('admin@internal', 'right')))?.principal).toBe(
      admin,
    );
    expect(calls).toEqual(['admin@internal:right']);
  });

  it('never caches a failure', async () => {
    let checks = 0;
    const auth = new AuthService(() => {
      checks += 1;
      return Promise.resolve(null);
    });
    expect(await auth.authenticate(basicRequest('admin@internal', 'wrong'))).toBeNull();
    expect(await auth.authenticate(basicRequest('admin@internal', 'wrong'))).toBeNull();
    expect(checks).toBe(2);
  });
});

describe('AuthService tokens', () => {
  const check = (_u: string, p: string): Promise<Principal | null> =>
    Promise.resolve(p === 'right' ? admin : null);

  it('ends a token at the hard limit and after the idle timeout, and drops it', () => {
    let now = 1_000_000;
    const auth = new AuthService(check, {
      tokenHardLimitMs: 600 * 60_000,
      tokenIdleMs: 30 * 60_000,
      now: () => now,
    });
    const idle = auth.issueToken(admin);
    const busy = auth.issueToken(admin);
    for (let i = 0; i < 23; i++) {
      now += 25 * 60_000;
      expect(auth.principalOfToken(busy)).toBe(admin);
    }
    // idle has not been used for 575 min: gone; busy then reaches its 600-minute hard limit.
    expect(auth.principalOfToken(idle)).toBeNull();
    now += 25 * 60_000;
    expect(auth.principalOfToken(busy)).toBeNull();
    expect(auth.tokenCount).toBe(0);
  });

  it('keeps at most maxTokens, forgetting the oldest first', () => {
    const auth = new AuthService(check, { maxTokens: 3 });
    const tokens = [1, 2, 3, 4, 5].map(() => auth.issueToken(admin));
    expect(auth.tokenCount).toBe(3);
    expect(auth.principalOfToken(tokens[0] ?? '')).toBeNull();
    expect(auth.principalOfToken(tokens[4] ?? '')).toBe(admin);
  });
});

describe('AuthService login back-off', () => {
  it('after 5 failures from a source answers LoginThrottled with a doubling wait, whatever the user', async () => {
    let now = 0;
    let checks = 0;
    const auth = new AuthService(
      (_u, p) => {
        checks += 1;
        return Promise.resolve(p === 'right' ? admin : null);
      },
      { now: () => now },
    );
    for (let i = 0; i < 5; i++) {
      expect(await auth.authenticate(basicRequest(`user${i}@internal`, 'wrong'))).toBeNull();
    }
    expect(checks).toBe(5);
    // The 5th failure starts a 1 s wait; even the right password is not checked meanwhile.
    await expect(auth.authenticate(basicRequest('admin@internal', 'right'))).rejects.toThrow(
      LoginThrottled,
    );
    await expect(auth.authenticate(basicRequest('nobody@internal', 'x'))).rejects.toThrow(
      LoginThrottled,
    );
    expect(checks).toBe(5);
    now += 1_001;
    expect(await auth.authenticate(basicRequest('admin@internal', 'wrong'))).toBeNull();
    now += 1_001;
    const err = await auth
      .authenticate(basicRequest('admin@internal', 'x'))
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LoginThrottled);
    expect((err as LoginThrottled).retryAfterSeconds).toBe(1);
    now += 2_000;
    expect((await auth.authenticate(basicRequest('admin@internal', 'right')))?.principal).toBe(
      admin,
    );
    // Success forgets the failures.
    expect(await auth.authenticate(basicRequest('admin@internal', 'wrong'))).toBeNull();
  });

  it('never gates bearer tokens or already verified Basic credentials', async () => {
    const auth = new AuthService((_u, p) => Promise.resolve(p === 'right' ? admin : null));
    expect((await auth.authenticate(basicRequest('admin@internal', 'right')))?.principal).toBe(
      admin,
    );
    const token = auth.issueToken(admin);
    for (let i = 0; i < 10; i++)
      await auth.authenticate(basicRequest('x', 'wrong')).catch(() => null);
    expect((await auth.authenticate(basicRequest('admin@internal', 'right')))?.principal).toBe(
      admin,
    );
    const bearer = new IncomingMessage(new Socket());
    bearer.headers = { authorization: `Bearer ${token}` };
    expect((await auth.authenticate(bearer))?.principal).toBe(admin);
  });
});
