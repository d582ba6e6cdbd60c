// SPDX-License-Identifier: Apache-2.0
// The one way setup runs programs: argument arrays (never a shell), a time limit, and the
// output captured for error messages.
import { execFile, spawn, spawnSync } from 'node:child_process';

/** Result of a finished program. `code` is null when it was killed (time limit). */
export interface RunResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunOptions {
  readonly timeoutMs?: number;
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
  /** Written to the program's stdin (which is then closed). */
  readonly input?: string;
}

/** Runs a program to completion and returns its exit code and output; never throws on exit != 0. */
export function run(
  cmd: string,
  args: readonly string[],
  options: RunOptions = {},
): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = execFile(
      cmd,
      args,
      {
        encoding: 'utf8',
        timeout: options.timeoutMs ?? 60_000,
        killSignal: 'SIGKILL',
        maxBuffer: 64 * 1024 * 1024,
        env: options.env ?? process.env,
        cwd: options.cwd,
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
        // ENOENT and friends: report like a shell would (127), with the reason in stderr.
        if (error && typeof error.code === 'string') {
          resolve({ code: 127, stdout, stderr: `${stderr}${error.message}` });
          return;
        }
        resolve({ code, stdout, stderr });
      },
    );
    if (options.input !== undefined) child.stdin?.end(options.input);
  });
}

/** Like {@link run}, but throws with the program's stderr when it does not exit 0. */
export async function runOk(
  cmd: string,
  args: readonly string[],
  options: RunOptions = {},
): Promise<string> {
  const r = await run(cmd, args, options);
  if (r.code !== 0) {
    const why = r.code === null ? 'timed out' : `exited with ${r.code}`;
    throw new Error(`${cmd} ${args.join(' ')} ${why}: ${(r.stderr || r.stdout).trim()}`);
  }
  return r.stdout;
}

/**
 * Runs a program with inherited stdio (apt-get's progress is worth seeing), returning its
 * exit code.
 */
export function runInherit(
  cmd: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: 'inherit', env });
    child.on('error', () => {
      resolve(127);
    });
    child.on('exit', (code) => {
      resolve(code ?? 1);
    });
  });
}

let cachedRootPrefix: string[] | null | undefined;

/**
 * How to run a command as root here: `[]` when we are root, `['sudo', '-n']` when
 * password-less sudo works, null when neither (same rule as build/debian.mjs).
 */
export function rootPrefix(): string[] | null {
  if (cachedRootPrefix !== undefined) return cachedRootPrefix;
  if (process.getuid?.() === 0) cachedRootPrefix = [];
  else {
    const probe = spawnSync('sudo', ['-n', 'true'], { stdio: 'ignore' });
    cachedRootPrefix = !probe.error && probe.status === 0 ? ['sudo', '-n'] : null;
  }
  return cachedRootPrefix;
}
