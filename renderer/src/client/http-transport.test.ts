// SPDX-License-Identifier: Apache-2.0
import { afterEach, describe, expect, it, vi } from 'vitest';

import { EngineError } from '../../../main/contract/errors';
import { ContractClient } from './client';
import { HttpTransport } from './http-transport';

function respond(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json' },
  });
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('HttpTransport', () => {
  it('logs in with the SSO password grant and sends the bearer token', async () => {
    const calls: { url: string; init: RequestInit }[] = [];
    vi.stubGlobal('fetch', (url: string, init: RequestInit) => {
      calls.push({ url, init });
      if (url.endsWith('/oauth/token')) return Promise.resolve(respond(200, { access_token: 'T' }));
      if (url.endsWith('/rpc/events')) return new Promise<Response>(() => undefined);
      return Promise.resolve(respond(200, { ok: true, result: [] }));
    });
    const t = new HttpTransport('http://e');
    await t.login('admin@internal', 'pw');
    const login = calls[0];
    expect(login?.url).toBe('http://e/ovirt-engine/sso/oauth/token');
    expect((login?.init.body as URLSearchParams).toString()).toBe(
      'grant_type=password&scope=ovirt-app-api&username=admin%40internal&password=pw',
    );
    const client = new ContractClient(t);
    expect(await client.invoke('GetAllNetworks', {})).toEqual([]);
    const rpc = calls.find((c) => c.url === 'http://e/rpc/GetAllNetworks');
    expect((rpc?.init.headers as Record<string, string>).Authorization).toBe('Bearer T');
  });

  it('shows the SSO error text and rethrows engine faults as EngineError', async () => {
    vi.stubGlobal('fetch', (url: string) =>
      Promise.resolve(
        url.endsWith('/oauth/token')
          ? respond(400, {
              error: 'access_denied',
              error_description: "Cannot authenticate user 'admin@internal': bad password.",
            })
          : respond(200, {
              ok: false,
              error: {
                code: 'MTU_VALUE_INVALID',
                category: 'BAD_PARAMETERS',
                reason: 'Operation Failed',
                messages: ['mtu value invalid'],
              },
            }),
      ),
    );
    const t = new HttpTransport('http://e');
    await expect(t.login('admin@internal', 'x')).rejects.toThrow(/Cannot authenticate user/);
    const err = await new ContractClient(t)
      .invoke('AddNetwork', { name: 'n', dataCenter: { name: 'Default' }, mtu: 20 })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EngineError);
    expect((err as EngineError).code).toBe('MTU_VALUE_INVALID');
  });

  it('reports an ended session and asks for the login form', async () => {
    vi.stubGlobal('fetch', () => Promise.resolve(respond(401, {})));
    const t = new HttpTransport('http://e');
    let asked = false;
    t.onUnauthenticated = () => {
      asked = true;
    };
    const env = await t.invoke('GetAllVms', {});
    expect(env.ok).toBe(false);
    expect(asked).toBe(true);
    expect(t.authenticated).toBe(false);
  });
});
