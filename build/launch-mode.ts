// SPDX-License-Identifier: Apache-2.0
// Pure decisions of `npm start` (build/launch.ts): which mode, where the data lives, which port.
import { homedir } from 'node:os';
import { join } from 'node:path';

/** The environment variables the launcher reads. */
export type LaunchEnv = Readonly<Record<string, string | undefined>>;

/** What `npm start` runs, and why (printed for the user). */
export type LaunchMode =
  | { readonly mode: 'electron'; readonly electronPath: string; readonly reason: string }
  | { readonly mode: 'headless'; readonly reason: string };

/** Facts the decision depends on. */
export interface LaunchFacts {
  /** Path of the Electron binary when it exists, else null. */
  readonly electronPath: string | null;
  /** Why the binary is missing (download error), when it is. */
  readonly electronProblem?: string;
  readonly env: LaunchEnv;
}

/** The display to draw on: `WAYLAND_DISPLAY` or `DISPLAY`, else null. */
export function displayOf(env: LaunchEnv): string | null {
  if (env.WAYLAND_DISPLAY) return `wayland ${env.WAYLAND_DISPLAY}`;
  if (env.DISPLAY) return `X11 ${env.DISPLAY}`;
  return null;
}

/**
 * Electron when its binary and a display are both there; otherwise the headless engine with
 * the web UI, with the reason. `AIO_HEADLESS=1` forces headless.
 */
export function chooseLaunchMode(facts: LaunchFacts): LaunchMode {
  const display = displayOf(facts.env);
  if (facts.env.AIO_HEADLESS === '1') return { mode: 'headless', reason: 'AIO_HEADLESS=1' };
  if (display === null) {
    return { mode: 'headless', reason: 'no display (neither DISPLAY nor WAYLAND_DISPLAY is set)' };
  }
  if (facts.electronPath === null) {
    const why = facts.electronProblem ? `: ${facts.electronProblem}` : '';
    return { mode: 'headless', reason: `the Electron binary is not installed${why}` };
  }
  return {
    mode: 'electron',
    electronPath: facts.electronPath,
    reason: `Electron binary present and a display (${display})`,
  };
}

/** `$AIO_DATA_DIR`, else `$XDG_DATA_HOME/aio-lab`, else `~/.local/share/aio-lab`. */
export function defaultDataDir(env: LaunchEnv): string {
  if (env.AIO_DATA_DIR) return env.AIO_DATA_DIR;
  if (env.XDG_DATA_HOME) return join(env.XDG_DATA_HOME, 'aio-lab');
  return join(env.HOME ?? homedir(), '.local', 'share', 'aio-lab');
}

/** `$AIO_PORT` when it is a valid port, else 8443. @throws on an invalid AIO_PORT */
export function defaultPort(env: LaunchEnv): number {
  if (env.AIO_PORT === undefined || env.AIO_PORT === '') return 8443;
  const port = Number(env.AIO_PORT);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new Error(`AIO_PORT must be a port number (1-65535), got "${env.AIO_PORT}"`);
  }
  return port;
}

/** The URL in the headless engine's `listening on http://127.0.0.1:PORT` line, if this is it. */
export function listeningUrl(line: string): string | null {
  return /listening on (https?:\/\/\S+)/.exec(line)?.[1] ?? null;
}
