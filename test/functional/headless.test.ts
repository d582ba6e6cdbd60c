// SPDX-License-Identifier: Apache-2.0
/**
 * `npm run serve` as a user runs it: the process prints `listening on http://127.0.0.1:PORT`
 * once it answers, generates and stores the admin password (mode 0600) on a new data dir,
 * serves the UI page with a CSP, refuses a non-loopback address without TLS, and shuts down
 * cleanly on SIGTERM and SIGINT.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const dirs: string[] = [];

function serve(
  args: string[],
  env: Record<string, string> = {},
): { child: ChildProcess; output: () => string } {
  // What `npm run serve` runs (the prebuilt engine, built first when stale), without npm in
  // between, so the signals below reach the engine itself.
  const child = spawn(process.execPath, ['build/serve.mjs', ...args], {
    cwd: ROOT,
    env: { ...process.env, AIO_ADMIN_PASSWORD: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  return { child, output: () => out };
}

async function waitFor(output: () => string, re: RegExp, ms: number): Promise<RegExpExecArray> {
  const deadline = Date.now() + ms;
  for (;;) {
    const m = re.exec(output());
    if (m) return m;
    if (Date.now() > deadline) throw new Error(`no ${String(re)} in: ${output()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((done) => {
    if (child.exitCode !== null) done(child.exitCode);
    else
      child.once('exit', (code) => {
        done(code);
      });
  });
}

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'h4-serve-'));
  dirs.push(d);
  return d;
}

afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('npm run serve', () => {
  it('starts, stores a generated admin password 0600, serves the UI with a CSP, stops on SIGTERM', async () => {
    const dataDir = tempDir();
    const { child, output } = serve(['--data-dir', dataDir, '--listen', '127.0.0.1:0']);
    try {
      const m = await waitFor(output, /listening on (http:\/\/127\.0\.0\.1:(\d+))/, 120_000);
      const origin = m[1] ?? '';
      const printed = /admin@internal password \(stored in ([^)]+)\): (\S+)/.exec(output());
      expect(printed).not.toBeNull();
      const file = join(dataDir, 'admin-password');
      expect(printed?.[1]).toBe(file);
      expect(readFileSync(file, 'utf8').trim()).toBe(printed?.[2]);
      expect(statSync(file).mode & 0o777).toBe(0o600);
      const basic = Buffer.from(`admin@internal:${printed?.[2] ?? ''}`).toString('base64');
      const api = await fetch(`${origin}/ovirt-engine/api`, {
        headers: { Authorization: `Basic ${basic}` },
      });
      expect(api.status).toBe(200);
      const page = await fetch(`${origin}/`);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
      child.kill('SIGTERM');
      expect(await exited(child)).toBe(0);
      expect(output()).toContain('SIGTERM: shutting down');
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    // A second start on the same data dir keeps the password and prints none.
    const again = serve(['--data-dir', dataDir, '--listen', '127.0.0.1:0']);
    try {
      await waitFor(again.output, /listening on http:\/\/127\.0\.0\.1:\d+/, 120_000);
      expect(again.output()).not.toContain('password (stored in');
      again.child.kill('SIGINT');
      expect(await exited(again.child)).toBe(0);
    } finally {
      if (again.child.exitCode === null) again.child.kill('SIGKILL');
    }
  });

  it('takes the admin password from AIO_ADMIN_PASSWORD', async () => {
    const dataDir = tempDir();
    const { child, output } = serve(['--data-dir', dataDir, '--listen', '127.0.0.1:0'], {
      AIO_ADMIN_PASSWORD: 'h4-env-Password',
    });
    try {
      const m = await waitFor(output, /listening on (http:\/\/127\.0\.0\.1:\d+)/, 120_000);
      expect(output()).not.toContain('password (stored in');
      const res = await fetch(`${m[1] ?? ''}/ovirt-engine/sso/oauth/token`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: 'grant_type=password&scope=ovirt-app-api&username=admin%40internal&password=h4-env-Password',
      });
      expect(res.status).toBe(200);
    } finally {
      child.kill('SIGTERM');
      await exited(child);
    }
  });

  it('refuses a non-loopback address without TLS', async () => {
    const { child, output } = serve(['--data-dir', tempDir(), '--listen', '0.0.0.0:0']);
    expect(await exited(child)).not.toBe(0);
    expect(output()).toContain('refusing to listen on 0.0.0.0 without TLS');
  });
});
