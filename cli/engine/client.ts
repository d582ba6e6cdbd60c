// SPDX-License-Identifier: Apache-2.0
/**
 * The CLI's only way to the engine: its oVirt v4 REST API in JSON, authenticated with an SSO
 * token (`/ovirt-engine/sso/oauth/token`, password grant) as oVirt's SDKs do. The password is
 * sent once, to the token endpoint, and never printed; faults come back as {@link EngineFault}
 * with oVirt's reason and detail.
 */

export interface EngineConnection {
  /** Engine base, e.g. `http://127.0.0.1:8443/ovirt-engine` (a trailing `/api` is accepted). */
  readonly url: string;
  readonly user: string;
  readonly password: string;
}

/** The engine could not be reached at all (connection refused, DNS, TLS). */
export class EngineUnreachable extends Error {}

/** The engine refused the credentials. */
export class EngineAuthFailed extends Error {}

/** The engine answered with an oVirt fault. */
export class EngineFault extends Error {
  constructor(
    readonly status: number,
    readonly reason: string,
    readonly detail: string,
    readonly what: string,
  ) {
    super(`${what}: ${reason}${detail === '' ? '' : `: ${detail}`} (HTTP ${status})`);
  }
}

export type Json = Record<string, unknown>;

/** Normalizes `…/ovirt-engine`, `…/ovirt-engine/`, `…/ovirt-engine/api` to the engine base. */
export function engineBase(url: string): string {
  const trimmed = url.replace(/\/+$/, '');
  const base = trimmed.endsWith('/api') ? trimmed.slice(0, -4) : trimmed;
  return base.endsWith('/ovirt-engine') ? base : `${base}/ovirt-engine`;
}

export class EngineClient {
  private token: string | null = null;
  private readonly base: string;

  constructor(private readonly conn: EngineConnection) {
    this.base = engineBase(conn.url);
  }

  private async send(url: string, init: RequestInit, what: string): Promise<Response> {
    try {
      return await fetch(url, init);
    } catch (err) {
      const cause = (err as { cause?: { code?: string; message?: string } }).cause;
      throw new EngineUnreachable(
        `cannot reach the engine at ${this.base} (${what}): ${cause?.code ?? cause?.message ?? String(err)}`,
      );
    }
  }

  private async login(): Promise<string> {
    if (this.token !== null) return this.token;
    const res = await this.send(
      `${this.base}/sso/oauth/token`,
      {
        method: 'POST',
        headers: {
          'Content-Type': 'application/x-www-form-urlencoded',
          Accept: 'application/json',
        },
        body: new URLSearchParams({
          grant_type: 'password',
          scope: 'ovirt-app-api',
          username: this.conn.user,
          password: this.conn.password,
        }).toString(),
      },
      'login',
    );
    const body = (await res.json().catch(() => ({}))) as {
      access_token?: string;
      error_description?: string;
      error?: string;
    };
    if (!res.ok || body.access_token === undefined) {
      if (res.status === 400 || res.status === 401 || res.status === 403) {
        throw new EngineAuthFailed(
          `login as ${this.conn.user} refused: ${body.error_description ?? body.error ?? `HTTP ${res.status}`}`,
        );
      }
      throw new EngineUnreachable(
        `${this.base} does not answer as an AIO Lab engine (HTTP ${res.status})`,
      );
    }
    this.token = body.access_token;
    return this.token;
  }

  /** One API call; `path` is relative to `/ovirt-engine/api`. Resolves to the JSON body. */
  async call(method: string, path: string, body?: Json): Promise<Json> {
    const token = await this.login();
    const what = `${method} ${path}`;
    const res = await this.send(
      `${this.base}/api${path}`,
      {
        method,
        headers: {
          Authorization: `Bearer ${token}`,
          Accept: 'application/json',
          ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      },
      what,
    );
    const text = await res.text();
    let json: Json = {};
    if (text.trim() !== '') {
      try {
        json = JSON.parse(text) as Json;
      } catch {
        throw new EngineFault(res.status, 'Unexpected answer', text.slice(0, 200), what);
      }
    }
    if (res.status === 401) throw new EngineAuthFailed(`${what}: not authenticated`);
    if (!res.ok) {
      throw new EngineFault(
        res.status,
        typeof json.reason === 'string' ? json.reason : res.statusText,
        typeof json.detail === 'string' ? json.detail : '',
        what,
      );
    }
    return json;
  }

  get(path: string): Promise<Json> {
    return this.call('GET', path);
  }

  /**
   * A request outside the oVirt API (the engine's `/rpc` transport, e.g. the serial console
   * stream): `path` is relative to the server's origin, sent with the same SSO token.
   */
  async raw(method: string, path: string, init: RequestInit = {}): Promise<Response> {
    const token = await this.login();
    const origin = new URL(this.base).origin;
    return this.send(
      `${origin}${path}`,
      {
        ...init,
        method,
        headers: { ...(init.headers as Record<string, string>), Authorization: `Bearer ${token}` },
      },
      `${method} ${path}`,
    );
  }

  /** The items of a collection (`{network: […]}`; an empty collection is `{}`). */
  async list(path: string, item: string): Promise<Json[]> {
    const body = await this.get(path);
    const v = body[item];
    if (v === undefined) return [];
    return (Array.isArray(v) ? v : [v]) as Json[];
  }
}

/** Reads a dotted path from a JSON document; undefined when absent. */
export function field(value: unknown, path: string): unknown {
  let cur: unknown = value;
  for (const key of path.split('.')) {
    if (typeof cur !== 'object' || cur === null) return undefined;
    cur = (cur as Json)[key];
  }
  return cur;
}

/** A field as text (oVirt's JSON carries numbers and booleans as strings too). */
export function text(value: unknown, path: string): string | undefined {
  const v = field(value, path);
  if (v === undefined || v === null) return undefined;
  return typeof v === 'string'
    ? v
    : typeof v === 'number' || typeof v === 'boolean'
      ? String(v)
      : undefined;
}

/** A list field that may be one item or many (`dns_servers.dns_server`). */
export function listOf(value: unknown, path: string): unknown[] {
  const v = field(value, path);
  if (v === undefined || v === null || v === '') return [];
  return Array.isArray(v) ? (v as unknown[]) : [v];
}
