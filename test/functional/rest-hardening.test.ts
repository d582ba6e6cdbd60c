// SPDX-License-Identifier: Apache-2.0
/**
 * Issue 10 items 5, 7 and 8 over real HTTP against a real engine: malformed and hostile
 * bodies get syntax faults (never a 500), bodies that are not XML/JSON get 415 and change
 * nothing, foreign Host and Origin headers are refused, tokens carry a real expiry, the
 * session cookie is SameSite=Strict, and failed logins back off with 429.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  API,
  type Appliance,
  entity,
  httpRequest,
  items,
  startAppliance,
  uniqueName,
} from './support';

let a: Appliance;

beforeAll(async () => {
  a = await startAppliance({ bodyLimit: 64 * 1024 });
});
afterAll(async () => {
  await a?.stop();
});

async function networkNames(): Promise<string[]> {
  const r = await a.request('GET', `${API}/networks`);
  return items(r.body, 'networks', 'network').map((n) => String(n.name));
}

async function dcId(): Promise<string> {
  const r = await a.request('GET', `${API}/datacenters`);
  return String(items(r.body, 'data_centers', 'data_center')[0]?.id);
}

describe('malformed bodies are syntax faults', () => {
  it.each([
    ['truncated element', '<network/', 'application/xml'],
    ['unclosed comment', '<network/><!--', 'application/xml'],
    ['two roots', '<network/><network/>', 'application/xml'],
    [
      'entity declaration',
      '<!DOCTYPE n [<!ENTITY a "b">]><network>&a;</network>',
      'application/xml',
    ],
    [
      'XML nested 5,000 deep',
      `<network>${'<a>'.repeat(5_000)}${'</a>'.repeat(5_000)}</network>`,
      'application/xml',
    ],
    [
      'JSON nested 10,000 deep',
      `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`,
      'application/json',
    ],
    [
      'JSON arrays 5,000 deep',
      `{"name":${'['.repeat(5_000)}${']'.repeat(5_000)}}`,
      'application/json',
    ],
    ['truncated JSON', '{"name": "x', 'application/json'],
  ])('%s → 400 usage message', async (_what, body, type) => {
    const r = await a.request('POST', `${API}/networks`, {
      body,
      headers: { 'Content-Type': type },
    });
    expect(r.status).toBe(400);
    expect(entity(r.body, 'usage_message').message).toMatch(/syntactically incorrect/);
  });

  it('refuses a body that is not UTF-8', async () => {
    const res = await fetch(`${a.origin}${API}/networks`, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/xml',
        Authorization: `Basic ${Buffer.from('admin@internal:h4-functional-Secret!').toString('base64')}`,
      },
      body: Buffer.from([0x3c, 0x6e, 0x65, 0x74, 0x77, 0x6f, 0x72, 0x6b, 0x3e, 0xff, 0xfe]),
    });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('not valid UTF-8');
  });

  it('refuses a body over the limit with 413 and a fault', async () => {
    const r = await a.request('POST', `${API}/networks`, {
      body: `<network><name>${'x'.repeat(70 * 1024)}</name></network>`,
    });
    expect(r.status).toBe(413);
    expect(entity(r.body, 'fault').reason).toBe('Request Entity Too Large');
  });
});

describe('content types (CSRF by plain forms)', () => {
  it.each(['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=b'])(
    'POST with %s → 415, nothing created',
    async (type) => {
      const name = uniqueName('ct');
      const body = `<network><name>${name}</name><data_center id="${await dcId()}"/></network>`;
      const r = await a.request('POST', `${API}/networks`, {
        body,
        headers: { 'Content-Type': type },
      });
      expect(r.status).toBe(415);
      expect(entity(r.body, 'fault').reason).toBe('Unsupported Media Type');
      expect(await networkNames()).not.toContain(name);
    },
  );

  it('still accepts text/xml and a parameterless action without a body', async () => {
    const name = uniqueName('tx');
    const body = `<network><name>${name}</name><data_center id="${await dcId()}"/></network>`;
    const r = await a.request('POST', `${API}/networks`, {
      body,
      headers: { 'Content-Type': 'text/xml' },
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    const id = String(entity(r.body, 'network').id);
    expect((await a.request('DELETE', `${API}/networks/${id}`)).status).toBe(200);
  });

  it("honours oVirt's Expect: 201-created instead of answering 417", async () => {
    const name = uniqueName('ex');
    const body = `<network><name>${name}</name><data_center id="${await dcId()}"/></network>`;
    const r = await a.request('POST', `${API}/networks`, {
      body,
      headers: { Expect: '201-created' },
    });
    expect(r.status).toBe(201);
    const id = String(entity(r.body, 'network').id);
    expect((await a.request('DELETE', `${API}/networks/${id}`)).status).toBe(200);
  });

  it('refuses a form or text/plain body on the RPC transport with 415', async () => {
    const token = await a.token();
    const r = await httpRequest(
      `${a.origin}/rpc/GetAllClusters`,
      'POST',
      {
        Authorization: `Bearer ${token}`,
        'Content-Type': 'text/plain',
      },
      '{}',
    );
    expect(r.status).toBe(415);
  });
});

describe('Host and Origin (DNS rebinding, cross-site requests)', () => {
  it('refuses a foreign Host with 421 and a fault, on the API and the UI', async () => {
    for (const path of [API, '/']) {
      const r = await a.request('GET', path, { headers: { Host: 'rebind.example:80' } });
      expect(r.status).toBe(421);
      expect(entity(r.body, 'fault').reason).toBe('Misdirected Request');
    }
    expect((await a.request('GET', API, { headers: { Host: 'localhost' } })).status).toBe(200);
  });

  it("refuses a state-changing request from another site's page", async () => {
    const name = uniqueName('or');
    const body = `<network><name>${name}</name><data_center id="${await dcId()}"/></network>`;
    const r = await a.request('POST', `${API}/networks`, {
      body,
      headers: { Origin: 'https://evil.example' },
    });
    expect(r.status).toBe(403);
    expect(await networkNames()).not.toContain(name);
  });

  it('builds the root Link header from our own name and port, not the Host sent', async () => {
    const r = await a.request('GET', API, { headers: { Host: 'localhost:1' } });
    const port = new URL(a.origin).port;
    expect(r.headers.get('link')).toContain(`http://localhost:${port}${API}/`);
    expect(r.headers.get('link')).not.toContain('localhost:1/');
  });
});

describe('sessions and tokens', () => {
  it('sets the session cookie HttpOnly and SameSite=Strict', async () => {
    const r = await a.request('GET', `${API}/clusters`, { headers: { Prefer: 'persistent-auth' } });
    expect(r.headers.get('set-cookie')).toMatch(/HttpOnly; SameSite=Strict/);
  });

  it('gives tokens oVirt\'s 600-minute expiry instead of "never"', async () => {
    const before = Date.now();
    const res = await fetch(`${a.origin}/ovirt-engine/sso/oauth/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
      body: new URLSearchParams({
        grant_type: 'password',
        scope: 'ovirt-app-api',
        username: 'admin@internal',
        password: 'h4-functional-Secret!',
      }).toString(),
    });
    const exp = Number(((await res.json()) as { exp: string }).exp);
    expect(exp).toBeGreaterThanOrEqual(before + 600 * 60_000);
    expect(exp).toBeLessThan(Date.now() + 601 * 60_000);
  });

  // Last: it makes this loopback source wait for its next password check.
  it('backs off after repeated failed logins with 429 + Retry-After, tokens still work', async () => {
    const token = await a.token();
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) {
      const r = await a.request('GET', `${API}/hosts`, {
        headers: {
          Authorization: `Basic ${Buffer.from(`u${i}@internal:wrong`).toString('base64')}`,
        },
      });
      statuses.push(r.status);
      if (r.status === 429) {
        expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
        expect(entity(r.body, 'fault').reason).toBe('Too Many Requests');
      }
    }
    expect(statuses.slice(0, 5).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(5)).toContain(429);
    expect((await a.request('GET', `${API}/hosts`, { auth: { bearer: token } })).status).toBe(200);
  });
});
