// SPDX-License-Identifier: Apache-2.0
/**
 * The one way the host layer runs a host command: `execFile` with an argument array (never a
 * shell string, so names coming from the engine cannot inject anything), a time limit, and a
 * typed {@link HostError} carrying the command's stderr.
 */
import { execFile } from 'node:child_process';

import { HostError, HostErrorCode } from '../main/contract/errors';

/** Result of a finished command. */
export interface ExecResult {
  readonly stdout: string;
  readonly stderr: string;
}

export interface ExecOptions {
  /** Milliseconds before the command is killed; default 30 s. */
  readonly timeoutMs?: number;
  /** Data written to the command's stdin. */
  readonly input?: string;
}

const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * Run `file` with `args` and return its output.
 *
 * @throws HostError HOST_TIMEOUT when the time limit is reached, HOST_COMMAND_FAILED when the
 *   command cannot be started or exits non-zero (`detail` = its stderr).
 */
export function run(
  file: string,
  args: readonly string[],
  options: ExecOptions = {},
): Promise<ExecResult> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const printable = [file, ...args].join(' ');
  return new Promise((resolve, reject) => {
    const child = execFile(
      file,
      [...args],
      {
        timeout: timeoutMs,
        maxBuffer: 32 * 1024 * 1024,
        encoding: 'utf8',
        env: { ...process.env, LC_ALL: 'C' },
      },
      (error, stdout, stderr) => {
        if (!error) {
          resolve({ stdout, stderr });
          return;
        }
        const killed = error.killed && error.signal === 'SIGTERM';
        if (killed) {
          reject(
            new HostError(
              HostErrorCode.HOST_TIMEOUT,
              `${printable}: no answer within ${timeoutMs} ms`,
              stderr.trim(),
              {
                cause: error,
              },
            ),
          );
          return;
        }
        const detail = stderr.trim() || error.message;
        reject(
          new HostError(HostErrorCode.HOST_COMMAND_FAILED, `${printable}: ${detail}`, detail, {
            cause: error,
          }),
        );
      },
    );
    if (options.input !== undefined) child.stdin?.end(options.input);
  });
}

/** Run a command whose stdout is JSON (iproute2 `-json`) and parse it. */
export async function runJson(
  file: string,
  args: readonly string[],
  options: ExecOptions = {},
): Promise<unknown> {
  const { stdout } = await run(file, args, options);
  const text = stdout.trim();
  if (text === '') return [];
  try {
    return JSON.parse(text) as unknown;
  } catch (cause) {
    throw new HostError(
      HostErrorCode.HOST_COMMAND_FAILED,
      `${[file, ...args].join(' ')}: output is not JSON`,
      text.slice(0, 500),
      { cause },
    );
  }
}
