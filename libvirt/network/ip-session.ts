// SPDX-License-Identifier: Apache-2.0
/**
 * One `ip -d -json -batch -` process for the whole of one setupNetworks (issue 14): the
 * pre-read of the request's devices, every apply step and the read-back go down its stdin
 * instead of one fork each. Forking from the engine is its costliest step per deploy: the
 * fork is synchronous on the event loop and grows with the process's memory (bench 2b).
 *
 * iproute2 carries out batch lines one after the other and, in JSON mode, writes (and flushes)
 * one line of output per `show` command, nothing for a change; so an `addr show dev lo` after a
 * group of changes says that they are done, and the sysctl writes between two groups still
 * happen in the order the plan chose. Without `-force` iproute2 stops at the first failing line
 * and names it (`Command failed -:N`), which maps the failure back to its command. Callers
 * send `addr show`, never `link show` (see {@link MARKER}).
 *
 * The process lives for one request only: iproute2 caches name → ifindex lookups for its
 * lifetime, so a device removed and re-created by someone else would be addressed by a stale
 * index in a long-lived one. After a failure the process is gone; the next call starts another.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

import { HostError, HostErrorCode } from '../../main/contract/errors';

/** What can go on a batch line unquoted (anything else runs as its own argument array). */
export const BATCH_SAFE_ARG = /^[A-Za-z0-9._:/@+-]+$/;

/**
 * The line that marks the end of a group of changes (its output says they are done). Not
 * `link show`: in iproute2's batch mode a `link show` leaves `addr show` printing links
 * without their addresses for the rest of the process (a static flag, checked with 6.1).
 */
const MARKER = ['addr', 'show', 'dev', 'lo'];

const TIMEOUT_MS = 30_000;

/** A command of a call failed: `index` within the call's commands, `error` its HostError. */
export class IpLineFailure extends Error {
  constructor(
    readonly index: number,
    readonly error: HostError,
  ) {
    super(error.message);
  }
}

interface Waiter {
  resolve(line: string): void;
  reject(e: Error): void;
}

interface Running {
  readonly child: ChildProcess;
  /** Lines written so far (iproute2 numbers them from 1). */
  lines: number;
  /** Each written line's arguments, by line number - 1. */
  readonly written: string[][];
  /** One per `show` line written whose output has not come yet, in order. */
  readonly waiters: Waiter[];
  stderr: string;
  /** Set once the process exited or failed; later calls start a new one. */
  dead: Error | null;
}

/** One iproute2 batch process, started on first use (see the file comment). */
export class IpSession {
  #running: Running | null = null;
  /** Calls run one at a time (a call's lines must not interleave with another's). */
  #turn: Promise<unknown> = Promise.resolve();
  /** Processes started (for tests and the bench's fork count). */
  started = 0;

  #start(): Running {
    const child = spawn('ip', ['-d', '-json', '-batch', '-'], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, LC_ALL: 'C' },
    });
    this.started++;
    const r: Running = { child, lines: 0, written: [], waiters: [], stderr: '', dead: null };
    const fail = (e: Error): void => {
      if (r.dead) return;
      r.dead = e;
      for (const w of r.waiters.splice(0)) w.reject(e);
    };
    child.stderr?.on('data', (d: Buffer) => {
      r.stderr += d.toString();
    });
    child.stdin?.on('error', () => undefined);
    child.on('error', (e) => {
      fail(new HostError(HostErrorCode.HOST_COMMAND_FAILED, `ip -batch: ${e.message}`, e.message));
    });
    // stdout ends before 'close': stderr is complete by then.
    child.on('close', (code, signal) => {
      const detail = r.stderr.trim() || `exited ${code ?? signal ?? '?'}`;
      fail(new SessionEnded(detail, r.written));
    });
    if (child.stdout) {
      createInterface({ input: child.stdout }).on('line', (line) => {
        if (line.trim() === '') return;
        r.waiters.shift()?.resolve(line);
      });
    }
    return r;
  }

  /**
   * Write `commands` (plus `extra` show lines) and resolve with the output lines of the show
   * lines, in order, once iproute2 answered the last of them.
   */
  #send(commands: readonly string[][], shows: boolean[]): Promise<string[]> {
    const call = this.#turn.then(async () => {
      let r = this.#running;
      if (r === null || r.dead !== null) {
        r = this.#start();
        this.#running = r;
      }
      const running = r;
      const from = running.lines;
      const outputs: Promise<string>[] = [];
      let text = '';
      for (const [i, args] of commands.entries()) {
        running.written.push(args);
        running.lines++;
        text += `${args.join(' ')}\n`;
        if (shows[i]) {
          outputs.push(
            new Promise<string>((resolve, reject) => {
              running.waiters.push({ resolve, reject });
            }),
          );
        }
      }
      running.child.stdin?.write(text);
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          running.child.kill('SIGKILL');
          reject(
            new HostError(
              HostErrorCode.HOST_TIMEOUT,
              `ip -batch: no answer within ${TIMEOUT_MS} ms`,
              running.stderr.trim(),
            ),
          );
        }, TIMEOUT_MS);
      });
      try {
        return await Promise.race([Promise.all(outputs), timeout]);
      } catch (e) {
        throw failureOf(e, from, commands.length);
      } finally {
        clearTimeout(timer);
      }
    });
    this.#turn = call.catch(() => undefined);
    return call;
  }

  /**
   * Carry out `commands` (changes: no output) and resolve when iproute2 has done all of them.
   * @throws IpLineFailure naming the failing command; HostError when iproute2 cannot run
   */
  async run(commands: readonly string[][]): Promise<void> {
    try {
      await this.#send([...commands, MARKER], [...commands.map(() => false), true]);
    } catch (e) {
      // The marker itself cannot fail on a sane host; if it did, blame the last change.
      if (e instanceof IpLineFailure && e.index >= commands.length)
        throw new IpLineFailure(commands.length - 1, e.error);
      throw e;
    }
  }

  /**
   * `show` commands (one JSON line of output each); resolves with their output lines.
   * @throws IpLineFailure naming the failing command; HostError when iproute2 cannot run
   */
  show(commands: readonly string[][]): Promise<string[]> {
    return this.#send(
      commands,
      commands.map(() => true),
    );
  }

  /** End the process (its stdin closes; iproute2 exits at end of input). */
  close(): void {
    const r = this.#running;
    this.#running = null;
    if (r && r.dead === null) r.child.stdin?.end();
  }
}

/** The process ended while a call waited: stderr says which line failed. */
class SessionEnded extends Error {
  constructor(
    readonly detail: string,
    readonly written: readonly string[][],
  ) {
    super(detail);
  }
}

/** The error a call throws: the failing command when it is one of the call's own lines. */
function failureOf(e: unknown, from: number, count: number): Error {
  if (!(e instanceof SessionEnded)) return e instanceof Error ? e : new Error(String(e));
  const line = Number(/Command failed -:(\d+)/.exec(e.detail)?.[1] ?? Number.NaN);
  // The kernel's reason without the batch bookkeeping line.
  const reason = e.detail.replace(/\n?Command failed -:\d+\s*$/, '').trim();
  const index = line - 1 - from;
  const args = e.written[line - 1] ?? [];
  const error = new HostError(
    HostErrorCode.HOST_COMMAND_FAILED,
    `ip ${args.join(' ')}: ${reason}`,
    reason,
    { cause: e },
  );
  return new IpLineFailure(index >= 0 && index < count ? index : count - 1, error);
}
