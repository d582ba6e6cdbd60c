// SPDX-License-Identifier: Apache-2.0
/**
 * The contract over HTTP (main/api/rpc.ts), as the web UI in browser mode uses it: envelopes
 * from `POST /rpc/<op>`, transport errors, authentication, and the SSE event stream seeing a
 * change made through the oVirt REST API.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { readSse } from './rpc-client';
import { API, type Appliance, entity, startAppliance, uniqueName } from './support';

let a: Appliance;
let token = '';
const ui = mkdtempSync(join(tmpdir(), 'h4-ui-'));
beforeAll(async () => {
  writeFileSync(
    join(ui, 'index.html'),
    '<!doctype html><title>h4 ui</title><script src="/assets/app.js"></script>',
  );
  mkdirSync(join(ui, 'assets'));
  writeFileSync(join(ui, 'assets/app.js'), 'console.log(1);');
  a = await startAppliance({ staticDir: ui });
  token = await a.token();
});
afterAll(async () => {
  await a?.stop();
  rmSync(ui, { recursive: true, force: true });
});

async function rpc(
  op: string,
  body: unknown,
  auth = true,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${a.origin}/rpc/${op}`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      ...(auth ? { Authorization: `Bearer ${token}` } : {}),
    },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

describe('RPC transport', () => {
  it('answers operations with the contract envelope', async () => {
    const ok = await rpc('GetAllClusters', {});
    expect(ok.status).toBe(200);
    expect(ok.json.ok).toBe(true);
    expect((ok.json.result as { name: string }[]).map((c) => c.name)).toContain('Default');
    const bad = await rpc('GetNetworkById', { id: 'nope' });
    expect(bad.status).toBe(200);
    expect(bad.json.ok).toBe(false);
    expect((bad.json.error as { category: string }).category).toBe('BAD_PARAMETERS');
    const missing = await rpc('GetNetworkById', { id: '6f1c9c2e-2d47-4a39-9d9b-1d7c2b3f4a5e' });
    expect((missing.json.error as { code: string }).code).toBe('ENTITY_NOT_FOUND');
  });

  it('refuses unknown operations, malformed JSON and missing credentials', async () => {
    expect((await rpc('NoSuchOp', {})).status).toBe(404);
    const malformed = await rpc('GetAllClusters', '{"x":');
    expect(malformed.status).toBe(400);
    expect((malformed.json.error as { code: string }).code).toBe('INVALID_INPUT');
    const anon = await rpc('GetAllClusters', {}, false);
    expect(anon.status).toBe(401);
    expect((anon.json.error as { code: string }).code).toBe('USER_NOT_AUTHENTICATED');
  });

  it('streams engine events over SSE', async () => {
    const controller = new AbortController();
    const events: unknown[] = [];
    const stream = readSse(
      `${a.origin}/rpc/events`,
      token,
      (event, data) => {
        if (event === 'engine') events.push(JSON.parse(data));
      },
      controller.signal,
    );
    await new Promise((r) => setTimeout(r, 300));
    const name = uniqueName('ev');
    const add = await a.request('POST', `${API}/networks`, {
      body: `<network><name>${name}</name><data_center><name>Default</name></data_center></network>`,
    });
    expect(add.status).toBe(201);
    const id = String(entity(add.body, 'network').id);
    const deadline = Date.now() + 10_000;
    while (!events.some((e) => (e as { id?: string }).id === id) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
    }
    controller.abort();
    await stream;
    expect(events).toContainEqual(
      expect.objectContaining({ type: 'entity', entity: 'network', id, action: 'added' }),
    );
    await a.request('DELETE', `${API}/networks/${id}`);
  });

  it('refuses the console of a VM that is not running with an error event', async () => {
    const name = uniqueName('co');
    const add = await a.request('POST', `${API}/vms`, {
      body: `<vm><name>${name}</name><cluster><name>Default</name></cluster><template><name>tiny</name></template></vm>`,
    });
    const id = String(entity(add.body, 'vm').id);
    const controller = new AbortController();
    const seen: { event: string; data: string }[] = [];
    await readSse(
      `${a.origin}/rpc/console/${id}`,
      token,
      (event, data) => seen.push({ event, data }),
      controller.signal,
    );
    expect(seen.map((e) => e.event)).toEqual(['error']);
    const envelope = JSON.parse(seen[0]?.data ?? '{}') as { ok: boolean; error: { code: string } };
    expect(envelope.ok).toBe(false);
    expect(envelope.error.code).not.toBe('');
    await a.request('DELETE', `${API}/vms/${id}`);
  });
});

describe('web UI files', () => {
  it('serves the build with a CSP, falls back to index.html for client routes, and stays inside it', async () => {
    const page = await fetch(`${a.origin}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('h4 ui');
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
    const js = await fetch(`${a.origin}/assets/app.js`);
    expect(js.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(await (await fetch(`${a.origin}/networks/blue`)).text()).toContain('h4 ui');
    expect((await fetch(`${a.origin}/assets/missing.js`)).status).toBe(404);
    const traversal = await fetch(`${a.origin}/assets/..%2f..%2f..%2fetc%2fpasswd`);
    expect(await traversal.text()).not.toContain('root:');
  });
});
