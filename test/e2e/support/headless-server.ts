// SPDX-License-Identifier: Apache-2.0
/**
 * A real headless engine for UI tests: `npx tsx main/headless.ts --data-dir <tmp> --listen
 * 127.0.0.1:<free port>` with AIO_ADMIN_PASSWORD, exactly what `npm run serve` runs. The web
 * UI is built first when dist/renderer is missing or stale.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { type Dirent, existsSync, readdirSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export const ROOT = resolve(fileURLToPath(new URL('../../..', import.meta.url)));

export interface HeadlessServer {
  readonly origin: string;
  readonly password: string;
  readonly dataDir: string;
  /** Everything the server printed (for failure messages). */
  readonly log: () => string;
  stop(): Promise<void>;
}

/** Newest modification time under `dir` (0 when it does not exist). */
function newest(dir: string): number {
  let max = 0;
  let entries: Dirent[] = [];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const e of entries) {
    const p = join(dir, e.name);
    max = Math.max(max, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return max;
}

/**
 * Builds dist/renderer when it is missing or older than its sources (renderer/, the contract,
 * the vite config), so a test never drives yesterday's UI.
 */
export async function ensureRendererBuilt(): Promise<void> {
  const index = join(ROOT, 'dist', 'renderer', 'index.html');
  const built = existsSync(index) ? statSync(index).mtimeMs : 0;
  const sources = Math.max(
    newest(join(ROOT, 'renderer')),
    newest(join(ROOT, 'main', 'contract')),
    statSync(join(ROOT, 'build', 'vite.config.ts')).mtimeMs,
  );
  if (built >= sources) return;
  await promisify(execFile)('npx', ['vite', 'build', '--config', 'build/vite.config.ts'], {
    cwd: ROOT,
    timeout: 180_000,
  });
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
