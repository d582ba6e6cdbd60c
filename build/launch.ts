// SPDX-License-Identifier: Apache-2.0
/**
 * `npm run app` — what `npm start` runs once the machine is set up. Opens the Electron app when
 * the Electron binary and a display are both there; otherwise runs the engine headless
 * (main/headless.ts) and prints the URL of the web UI, opening a browser when there is a
 * display. Extra arguments are passed to whichever program runs; SIGINT/SIGTERM are forwarded.
 *
 * Environment: AIO_DATA_DIR (default ~/.local/share/aio-lab), AIO_PORT (default 8443),
 * AIO_HEADLESS=1 (never Electron), DISPLAY / WAYLAND_DISPLAY.
 *
 * Both modes run the engine prebuilt (dist/engine, build/engine-bundle.mjs), built first when
 * stale, instead of compiling TypeScript at start. Electron mode runs `electron <repo>`
 * (package.json `main` = build/electron-entry.mjs, which loads the Electron main's bundle) with
 * AIO_DATA_DIR set, and the preload bundle (dist/preload) and web UI (dist/renderer) built
 * first when stale.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

import { buildEngineIfStale, engineEntryPath } from './engine-bundle.mjs';
import {
  chooseLaunchMode,
  defaultDataDir,
  defaultPort,
  displayOf,
  type LaunchEnv,
  listeningUrl,
} from './launch-mode';
import { run } from './setup/exec';
import { buildIfStale, buildWebUiIfStale } from './web-ui';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const say = (line: string): void => {
  process.stdout.write(`[launch] ${line}\n`);
};

/** The Electron binary from the `electron` package, or null with the reason. */
function electronBinary(): { path: string | null; problem?: string } {
  try {
    // The package's main module resolves to the binary path (it throws when never downloaded).
    const path = createRequire(join(root, 'package.json'))('electron') as unknown;
    if (typeof path === 'string' && existsSync(path)) return { path };
    return { path: null, problem: 'binary missing' };
  } catch (error) {
    return {
      path: null,
      problem: (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '',
    };
  }
}

/** Tries the Electron binary download once, briefly (it fails fast where the host is offline). */
async function downloadElectron(): Promise<string | undefined> {
  const installer = join(root, 'node_modules', 'electron', 'install.js');
  if (!existsSync(installer)) return 'node_modules/electron is not installed';
  say('Electron binary missing: trying its download once (20 s limit)');
  const r = await run(process.execPath, [installer], { timeoutMs: 20_000, cwd: root });
  if (r.code === 0) return undefined;
  const lines = (r.stderr || r.stdout).trim().split('\n');
  const why = lines.find((l) => /error/i.test(l)) ?? lines[0] ?? '';
  return `download failed (${r.code === null ? 'timed out' : why.trim()})`;
}

/** Starts a child with inherited stdin/stderr, forwarding our termination signals to it. */
function startChild(
  cmd: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  onLine: (line: string) => void,
): Promise<number> {
  const child = spawn(cmd, args, { cwd: root, env, stdio: ['inherit', 'pipe', 'inherit'] });
  const forward = (signal: NodeJS.Signals): void => {
    child.kill(signal);
  };
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  createInterface({ input: child.stdout }).on('line', (line) => {
    process.stdout.write(`${line}\n`);
    onLine(line);
  });
  return new Promise((resolve) => {
    child.on('error', (error) => {
      say(`cannot start ${cmd}: ${error.message}`);
      resolve(127);
    });
    child.on('exit', (code, signal) => {
      process.off('SIGINT', forward);
      process.off('SIGTERM', forward);
      // Stopped by a forwarded signal is a normal end of `npm start`.
      resolve(code ?? (signal === 'SIGINT' || signal === 'SIGTERM' ? 0 : 1));
    });
  });
}

/** Opens a URL in the desktop's browser when there is a display and xdg-open. */
function openBrowser(url: string, env: LaunchEnv): void {
  if (displayOf(env) === null || !existsSync('/usr/bin/xdg-open')) return;
  const child = spawn('/usr/bin/xdg-open', [url], { stdio: 'ignore', detached: true });
  child.on('error', () => undefined);
  child.unref();
}

async function main(): Promise<number> {
  const env = process.env;
  const extra = process.argv.slice(2);
  const dataDir = defaultDataDir(env);
  const port = defaultPort(env);

  let electron = electronBinary();
  // Only worth a download attempt when Electron could be used at all.
  if (electron.path === null && displayOf(env) !== null && env.AIO_HEADLESS !== '1') {
    const problem = await downloadElectron();
    electron = problem === undefined ? electronBinary() : { path: null, problem };
  }
  const mode = chooseLaunchMode({
    electronPath: electron.path,
    ...(electron.problem !== undefined ? { electronProblem: electron.problem } : {}),
    env,
  });

  await buildWebUiIfStale(say);
  await buildEngineIfStale(say);

  if (mode.mode === 'electron') {
    say(`starting the desktop app: ${mode.reason}`);
    await buildIfStale(
      'the preload',
      'dist/preload',
      ['main/preload', 'main/contract'],
      ['--mode', 'preload'],
      say,
    );
    return startChild(
      mode.electronPath,
      [root, ...extra],
      { ...env, AIO_DATA_DIR: dataDir },
      () => undefined,
    );
  }

  say(`running the engine headless: ${mode.reason}`);
  say(`data directory ${dataDir}`);
  let announced = false;
  return startChild(
    process.execPath,
    [engineEntryPath('headless'), '--data-dir', dataDir, '--listen', `127.0.0.1:${port}`, ...extra],
    env,
    (line) => {
      const url = listeningUrl(line);
      if (url === null || announced) return;
      announced = true;
      say(`web UI: ${url}/  (log in as admin@internal; Ctrl+C stops the engine)`);
      openBrowser(`${url}/`, env);
    },
  );
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    say(error instanceof Error ? error.message : String(error));
    process.exitCode = 1;
  },
);
