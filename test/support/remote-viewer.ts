// SPDX-License-Identifier: Apache-2.0
/**
 * Debian's `remote-viewer` (virt-viewer) on a private virtual X server (Xvfb), for tests that
 * open a `.vv` file as an oVirt user would and look at what it shows (`xwd -root`).
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { parseXwd, type RgbImage } from './xwd';

/** Why remote-viewer cannot run here (setup --for-tests installs it), or null. */
export function remoteViewerProblem(): string | null {
  for (const bin of ['/usr/bin/Xvfb', '/usr/bin/remote-viewer', '/usr/bin/xwd'])
    if (!existsSync(bin))
      return `${bin} is missing (npm run setup:test installs xvfb, virt-viewer, x11-apps)`;
  return null;
}

export interface RemoteViewerSession {
  readonly display: string;
  /** Everything remote-viewer printed. */
  output(): string;
  /** Whether remote-viewer still runs (it exits when it cannot connect or log in). */
  running(): boolean;
  /** A dump of the whole X screen. */
  screenshot(): Promise<RgbImage>;
  close(): Promise<void>;
}

function freeDisplay(): number {
  for (let n = 90 + Math.floor(Math.random() * 100); n < 400; n++)
    if (!existsSync(`/tmp/.X${n}-lock`) && !existsSync(`/tmp/.X11-unix/X${n}`)) return n;
  throw new Error('no free X display number');
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}

/** Starts Xvfb and `remote-viewer <vv>` (full screen) on it. `vvText` is the file's content. */
export async function openVvFile(dir: string, vvText: string): Promise<RemoteViewerSession> {
  const n = freeDisplay();
  const display = `:${n}`;
  const xvfb = spawn('Xvfb', [display, '-screen', '0', '1024x768x24', '-nolisten', 'tcp'], {
    stdio: 'ignore',
  });
  for (let i = 0; i < 100 && !existsSync(`/tmp/.X11-unix/X${n}`); i++)
    await new Promise((r) => setTimeout(r, 100));
  const vv = join(dir, 'console.vv');
  await writeFile(vv, vvText, { mode: 0o600 });
  let out = '';
  const env = { ...process.env, DISPLAY: display, GDK_BACKEND: 'x11', NO_AT_BRIDGE: '1' };
  const viewer = spawn('remote-viewer', ['--full-screen', vv], { env, stdio: 'pipe' });
  viewer.stdout.on('data', (c: Buffer) => (out += c.toString()));
  viewer.stderr.on('data', (c: Buffer) => (out += c.toString()));
  return {
    display,
    output: () => out,
    running: () => viewer.exitCode === null && viewer.signalCode === null,
    screenshot: () =>
      new Promise((resolve, reject) => {
        execFile(
          'xwd',
          ['-root', '-silent', '-display', display],
          { encoding: 'buffer', maxBuffer: 64 * 1024 * 1024, timeout: 20_000 },
          (err, stdout) => {
            if (err) {
              reject(new Error(`xwd: ${err.message}`));
              return;
            }
            try {
              resolve(parseXwd(stdout));
            } catch (e) {
              reject(e instanceof Error ? e : new Error(String(e)));
            }
          },
        );
      }),
    close: async () => {
      await stop(viewer);
      await stop(xvfb);
    },
  };
}
