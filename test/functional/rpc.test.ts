// SPDX-License-Identifier: Apache-2.0
/**
 * The contract over HTTP (main/api/rpc.ts), as the web UI in browser mode uses it: envelopes
 * from `POST /rpc/<op>`, transport errors, authentication, and the SSE event stream seeing a
 * change made through the oVirt REST API.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { readSse } from './rpc-client';
import { API, type Appliance, entity, startAppliance, uniqueName } from './support';

let a: Appliance;
let token = '';
beforeAll(async () => {
  a = await startAppliance();
  token = await a.token();
});
afterAll(async () => {
  await a?.stop();
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
});
