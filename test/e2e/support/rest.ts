// SPDX-License-Identifier: Apache-2.0
/**
 * The out-of-band oracle for UI tests: the oVirt REST API with Basic auth and JSON, as a
 * script would use it — not the renderer's RPC.
 */

export interface RestClient {
  get<T>(path: string): Promise<T>;
  post<T>(path: string, body: unknown): Promise<T>;
  delete(path: string): Promise<number>;
}

/** oVirt JSON lists are objects keyed by the singular type: `{ "network": [ … ] }`. */
export function list<T>(body: unknown, key: string): T[] {
  const v = (body as Record<string, unknown> | null)?.[key];
  return Array.isArray(v) ? (v as T[]) : [];
}

export function restClient(origin: string, password: string): RestClient {
  const headers = {
    Authorization: `Basic ${Buffer.from(`admin@internal:${password}`).toString('base64')}`,
    Accept: 'application/json',
    'Content-Type': 'application/json',
    Version: '4',
  };
  const call = async (method: string, path: string, body?: unknown): Promise<Response> =>
    fetch(`${origin}/ovirt-engine/api${path}`, {
      method,
      headers,
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
  return {
    async get<T>(path: string): Promise<T> {
      const r = await call('GET', path);
      if (!r.ok) throw new Error(`GET ${path}: HTTP ${r.status} ${await r.text()}`);
      return (await r.json()) as T;
    },
    async post<T>(path: string, body: unknown): Promise<T> {
      const r = await call('POST', path, body);
      if (!r.ok) throw new Error(`POST ${path}: HTTP ${r.status} ${await r.text()}`);
      return (await r.json()) as T;
    },
    async delete(path: string): Promise<number> {
      return (await call('DELETE', path)).status;
    },
  };
}
