// SPDX-License-Identifier: Apache-2.0
import { IncomingMessage } from 'node:http';
import { Socket } from 'node:net';

import { describe, expect, it } from 'vitest';

import type { Principal } from '../contract';
import { AuthService } from './auth';

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
