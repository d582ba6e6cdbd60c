// SPDX-License-Identifier: Apache-2.0
// The appliance as a user runs it: `npm run serve` in its own process, driven over HTTP with the
// headers ovirtsdk4 sends. Benchmarks time what a client sees, not in-process calls.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { buildEngineIfStale, engineEntryPath } from '../../build/engine-bundle.mjs';

export const ADMIN_PASSWORD = 'bench-Secret-1';
const ROOT = resolve(import.meta.dirname, '../..');
const API = '/ovirt-engine/api';
const BASIC = `Basic ${Buffer.from(`admin@internal:${ADMIN_PASSWORD}`).toString('base64')}`;

/** A free loopback TCP port. */
export async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const address = s.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      s.close(() => {
        done(port);
      });
    });
  });
}

export interface Reply {
  readonly status: number;
  readonly text: string;
}

export class ServedAppliance {
  readonly origin: string;
  readonly process: ChildProcess;
  readonly dataDir: string;
  readonly startedAt: number;
  /** What the engine printed (stdout and stderr), when spawned here. */
  private log = '';

  private constructor(origin: string, child: ChildProcess, dataDir: string, startedAt: number) {
    this.origin = origin;
    this.process = child;
    this.dataDir = dataDir;
    this.startedAt = startedAt;
  }

  /** Everything the engine printed so far. */
  output(): string {
    return this.log;
  }

  /**
   * Spawns the engine as `npm run serve` runs it — the prebuilt bundle of `main/headless.ts`,
   * (re)built first when stale — on a fresh data dir; resolves once the process is spawned.
   */
  static async spawn(env: Readonly<Record<string, string>> = {}): Promise<ServedAppliance> {
    await buildEngineIfStale((line) => {
      console.log(`  ${line}`);
    });
    const port = await freePort();
    const dataDir = mkdtempSync(join(tmpdir(), 'aio-bench-data-'));
    const startedAt = performance.now();
    const child = spawn(
      process.execPath,
      [engineEntryPath('headless', ROOT), '--data-dir', dataDir, '--listen', `127.0.0.1:${port}`],
      {
        cwd: ROOT,
        env: { ...process.env, AIO_ADMIN_PASSWORD: ADMIN_PASSWORD, ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const a = new ServedAppliance(`http://127.0.0.1:${port}`, child, dataDir, startedAt);
    child.stdout.on('data', (d: Buffer) => (a.log += d.toString()));
    child.stderr.on('data', (d: Buffer) => (a.log += d.toString()));
    child.once('exit', (code) => {
      if (code !== 0 && code !== null) console.error(`appliance exited ${code}:\n${a.log}`);
    });
    return a;
  }

  /** Wraps an engine process started elsewhere (e.g. under a profiler, see breakdown.ts). */
  static attach(origin: string, child: ChildProcess, dataDir: string): ServedAppliance {
    return new ServedAppliance(origin, child, dataDir, performance.now());
  }

  /** Milliseconds from spawn to the first `200` of `GET /ovirt-engine/api`. */
  async waitUntilServing(timeoutMs = 120_000): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.process.exitCode !== null) throw new Error('the appliance exited during start');
      try {
        const r = await fetch(`${this.origin}${API}`, { headers: { Authorization: BASIC } });
        await r.arrayBuffer();
        if (r.status === 200) return performance.now() - this.startedAt;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) throw new Error('the appliance did not answer in time');
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  /** Resident memory of the engine process, in MiB (/proc/<pid>/status VmRSS). */
  residentMiB(): number {
    const status = readFileSync(`/proc/${String(this.process.pid)}/status`, 'utf8');
    const kb = Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1] ?? Number.NaN);
    return kb / 1024;
  }

  /** A request as ovirtsdk4 sends it (XML unless `json`). */
  async request(
    method: string,
    path: string,
    body?: string,
    format: 'xml' | 'json' = 'xml',
  ): Promise<Reply> {
    const type = format === 'json' ? 'application/json' : 'application/xml';
    const r = await fetch(`${this.origin}${API}${path}`, {
      method,
      headers: { Authorization: BASIC, Version: '4', Accept: type, 'Content-Type': type },
      ...(body !== undefined ? { body } : {}),
    });
    return { status: r.status, text: await r.text() };
  }

  /** Like {@link request}, but throws unless the status is 2xx. */
  async ok(method: string, path: string, body?: string): Promise<string> {
    const r = await this.request(method, path, body);
    if (r.status < 200 || r.status > 299) {
      throw new Error(`${method} ${path} → ${r.status}: ${r.text.slice(0, 400)}`);
    }
    return r.text;
  }

  /** An SSO bearer token (for the console RPC). */
  async token(): Promise<string> {
    const r = await fetch(`${this.origin}/ovirt-engine/sso/oauth/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
      body: new URLSearchParams({
        grant_type: 'password',
        scope: 'ovirt-app-api',
        username: 'admin@internal',
        password: ADMIN_PASSWORD,
      }).toString(),
    });
    const json = (await r.json()) as { access_token?: string };
    if (json.access_token === undefined) throw new Error('no SSO token');
    return json.access_token;
  }

  /** SIGTERM, wait for a clean exit, remove the data dir. */
  async stop(): Promise<void> {
    if (this.process.exitCode === null) {
      const exited = new Promise((r) => this.process.once('exit', r));
      this.process.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 15_000))]);
      if (this.process.exitCode === null) this.process.kill('SIGKILL');
    }
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}

/** First `id="…"` attribute of the root element of an XML reply. */
export function idOf(xml: string): string {
  const id =
    /^<\?xml[^>]*>\s*<[a-z_]+[^>]*\bid="([^"]+)"/.exec(xml)?.[1] ?? /\bid="([^"]+)"/.exec(xml)?.[1];
  if (id === undefined) throw new Error(`no id in ${xml.slice(0, 200)}`);
  return id;
}
