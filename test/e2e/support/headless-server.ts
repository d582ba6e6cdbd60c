// SPDX-License-Identifier: Apache-2.0
/**
 * A real headless engine for UI tests: `npx tsx main/headless.ts --data-dir <tmp> --listen
 * 127.0.0.1:<free port>` with AIO_ADMIN_PASSWORD, exactly what `npm run serve` runs. The web
 * UI is built first when dist/renderer is missing or stale.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { buildWebUiIfStale } from '../../../build/web-ui';

export const ROOT = resolve(fileURLToPath(new URL('../../..', import.meta.url)));

export interface HeadlessServer {
  readonly origin: string;
  readonly password: string;
  readonly dataDir: string;
  /** Everything the server printed (for failure messages). */
  readonly log: () => string;
  stop(): Promise<void>;
}

/** Builds dist/renderer when it is missing or older than its sources (the rule of build/web-ui.ts). */
export async function ensureRendererBuilt(): Promise<void> {
  await buildWebUiIfStale();
}

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => {
        if (a && typeof a === 'object') done(a.port);
        else fail(new Error('no port'));
      });
    });
  });
}

/** Starts the server and resolves once it prints `listening on …`. */
export async function startHeadlessServer(
  dataDir: string,
  password: string,
): Promise<HeadlessServer> {
  const port = await freePort();
  const child: ChildProcess = spawn(
    'npx',
    ['tsx', 'main/headless.ts', '--data-dir', dataDir, '--listen', `127.0.0.1:${port}`],
    {
      cwd: ROOT,
      env: { ...process.env, AIO_ADMIN_PASSWORD: password },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    },
  );
  let output = '';
  const exited = new Promise<number | null>((done) =>
    child.once('exit', (code) => {
      done(code);
    }),
  );
  const origin = await new Promise<string>((done, fail) => {
    const timer = setTimeout(() => {
      fail(new Error(`the headless engine did not start in 90 s:\n${output}`));
    }, 90_000);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const m = /listening on (https?:\/\/\S+)/.exec(output);
      if (m?.[1]) {
        clearTimeout(timer);
        done(m[1]);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (c: Buffer) => {
      output += c.toString();
    });
    void exited.then((code) => {
      clearTimeout(timer);
      fail(new Error(`the headless engine exited (${code}) before listening:\n${output}`));
    });
  });
  return {
    origin,
    password,
    dataDir,
    log: () => output,
    stop: async () => {
      if (child.exitCode !== null || child.pid === undefined) return;
      // SIGTERM to the process group: npx → tsx → node all get it; the engine closes cleanly.
      process.kill(-child.pid, 'SIGTERM');
      const timer = setTimeout(() => {
        if (child.pid !== undefined && child.exitCode === null) process.kill(-child.pid, 'SIGKILL');
      }, 20_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
