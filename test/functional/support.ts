// SPDX-License-Identifier: Apache-2.0
/**
 * Functional-test harness: a real engine (real SQLite file in a temp data dir, the real
 * local host agent) behind the real HTTP server, started through main/compose.ts exactly as
 * `npm run serve` does, plus a tiny HTTP client that keeps raw status, headers and body.
 *
 * Names: every network, VM and bridge these tests create starts with `h4` (helper H4's
 * prefix) and is removed again.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request as plainRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { XMLParser } from 'fast-xml-parser';

import { compose, type Composed, type ComposeOptions } from '../../main/compose';
import { claimRunPrefix, releaseRunPrefix, sweepStale } from '../support/run-prefix';

export const ADMIN_PASSWORD = 'h4-functional-Secret!';
export const API = '/ovirt-engine/api';

export interface Reply {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  /** Parsed body: XML (attributes as plain keys) or JSON, per content type; null when empty. */
  readonly body: Record<string, unknown> | null;
}

export interface RequestOptions {
  readonly body?: string;
  readonly headers?: Record<string, string>;
  /** `basic` (default), `none`, or a bearer token. */
  readonly auth?: 'basic' | 'none' | { readonly bearer: string };
  /** `xml` (default) or `json`: sets Accept (and Content-Type when there is a body). */
  readonly format?: 'xml' | 'json';
}

const xmlParser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseTagValue: false,
  parseAttributeValue: false,
});

/** Parses an XML response body; the root element is kept as the only key. */
export function parseXmlDoc(text: string): Record<string, unknown> {
  return xmlParser.parse(text) as Record<string, unknown>;
}

/** Items of a parsed collection, whatever the format: XML `{networks:{network:…}}`, JSON `{network:[…]}`. */
export function items(
  body: Record<string, unknown> | null,
  root: string,
  item: string,
): Record<string, unknown>[] {
  if (body === null) return [];
  const holder = (root in body ? body[root] : body) as Record<string, unknown> | string | undefined;
  if (holder === undefined || typeof holder === 'string') return [];
  const v = holder[item];
  if (v === undefined) return [];
  return (Array.isArray(v) ? v : [v]) as Record<string, unknown>[];
}

/** The entity of a parsed single-entity response (`{network:{…}}` in XML, `{…}` in JSON). */
export function entity(
  body: Record<string, unknown> | null,
  root: string,
): Record<string, unknown> {
  if (body === null) throw new Error('empty body');
  return (root in body ? body[root] : body) as Record<string, unknown>;
}

export interface Appliance {
  readonly app: Composed;
  readonly dataDir: string;
  readonly origin: string;
  request(method: string, path: string, opts?: RequestOptions): Promise<Reply>;
  /** Gets an SSO token for admin@internal. */
  token(): Promise<string>;
  stop(): Promise<void>;
}

/** Starts the appliance on a fresh temp data dir, loopback, any free port. */
export async function startAppliance(extra: Partial<ComposeOptions> = {}): Promise<Appliance> {
  await sweepAndRegister();
  const dataDir = mkdtempSync(join(tmpdir(), 'h4-func-'));
  const app = await compose({ dataDir, port: 0, adminPassword: ADMIN_PASSWORD, ...extra });
  const ca = app.certPath === null ? undefined : readFileSync(app.certPath);
  const basic = `Basic ${Buffer.from(`admin@internal:${ADMIN_PASSWORD}`).toString('base64')}`;
  const request = async (
    method: string,
    path: string,
    opts: RequestOptions = {},
  ): Promise<Reply> => {
    const format = opts.format ?? 'xml';
    const headers: Record<string, string> = {
      Accept: format === 'json' ? 'application/json' : 'application/xml',
      ...(opts.body !== undefined
        ? { 'Content-Type': format === 'json' ? 'application/json' : 'application/xml' }
        : {}),
    };
    const auth = opts.auth ?? 'basic';
    if (auth === 'basic') headers.Authorization = basic;
    else if (auth !== 'none') headers.Authorization = `Bearer ${auth.bearer}`;
    Object.assign(headers, opts.headers ?? {});
    const res = await httpRequest(`${app.origin}${path}`, method, headers, opts.body, ca);
    const text = res.text;
    const type = res.headers.get('content-type') ?? '';
    let body: Record<string, unknown> | null = null;
    if (text.trim() !== '') {
      if (type.includes('json')) body = JSON.parse(text) as Record<string, unknown>;
      else if (type.includes('xml')) body = parseXmlDoc(text);
    }
    return { status: res.status, headers: res.headers, text, body };
  };
  return {
    app,
    dataDir,
    origin: app.origin,
    request,
    token: async () => {
      const res = await httpRequest(
        `${app.origin}/ovirt-engine/sso/oauth/token`,
        'POST',
        { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
        new URLSearchParams({
          grant_type: 'password',
          scope: 'ovirt-app-api',
          username: 'admin@internal',
          password: ADMIN_PASSWORD,
        }).toString(),
        ca,
      );
      const json = JSON.parse(res.text) as { access_token?: string };
      if (json.access_token === undefined) throw new Error(`no token: ${JSON.stringify(json)}`);
      return json.access_token;
    },
    stop: async () => {
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
      releasePrefix();
    },
  };
}

/**
 * One HTTP(S) exchange through node:http, trusting `ca` for the appliance's self-signed
 * certificate (fetch cannot be given a CA without extra packages).
 */
export function httpRequest(
  url: string,
  method: string,
  headers: Record<string, string>,
  body?: string,
  ca?: Buffer,
): Promise<{ status: number; headers: Headers; text: string }> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const send = target.protocol === 'https:' ? httpsRequest : plainRequest;
    const req = send(target, { method, headers, ...(ca !== undefined ? { ca } : {}) }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const h = new Headers();
        for (const [k, v] of Object.entries(res.headers)) {
          if (v === undefined) continue;
          for (const one of Array.isArray(v) ? v : [v]) h.append(k, one);
        }
        resolve({
          status: res.statusCode ?? 0,
          headers: h,
          text: Buffer.concat(chunks).toString('utf8'),
        });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

let prefix: string | null = null;
let counter = 0;

/** This process's run prefix (family `hf`, registered for the stale sweep). */
export function runPrefix(): string {
  prefix ??= claimRunPrefix('hf');
  return prefix;
}

/** Removes what dead earlier runs left behind, then forgets this run's prefix at exit. */
export async function sweepAndRegister(): Promise<void> {
  await sweepStale('hf').catch((err: unknown) => {
    console.log(`stale sweep skipped: ${String(err)}`);
  });
  runPrefix();
}

/** Releases this run's prefix (after its own cleanup). */
export function releasePrefix(): void {
  if (prefix !== null) releaseRunPrefix(prefix);
  prefix = null;
}

/** A short name with this run's prefix, unique in the run, ≤ 15 chars (bridge names). */
export function uniqueName(stem: string): string {
  counter += 1;
  return `${runPrefix()}${stem}${counter}`.slice(0, 15);
}

/** Reads a dotted path (`product_info.version.major`) from a parsed body; undefined when absent. */
export function at(value: unknown, path: string): unknown {
  let cur: unknown = value;
  for (const key of path.split('.')) {
    if (typeof cur !== 'object' || cur === null) return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

/** Like {@link at}, as an array (single XML items become one-element arrays). */
export function arrayAt(value: unknown, path: string): Record<string, unknown>[] {
  const v = at(value, path);
  if (v === undefined || v === '') return [];
  return (Array.isArray(v) ? v : [v]) as Record<string, unknown>[];
}
