// SPDX-License-Identifier: Apache-2.0
/**
 * Look into a guest the honest way: type a command on its serial console and read what it
 * prints, instead of trusting what the guest reports about itself. Works with any
 * {@link ConsoleSession} (the host agent's `domainConsole`, i.e. `virsh console` in a pty)
 * and the tiny guest's root shell.
 *
 * ```ts
 * const c = await GuestConsole.open(await agent.domainConsole(uuid));
 * const { output, exitCode } = await c.run('cat /sys/class/net/eth0/mtu');
 * c.close();
 * ```
 */
import { readFile } from 'node:fs/promises';

import type { ConsoleSession } from '../../libvirt/host-agent';
import { parseReadyLine, TINY_GUEST_PROMPT, type TinyGuestReady } from '../../libvirt/tiny-guest';

/** What a command printed (without the command echo, `\r` removed) and its exit status. */
export interface CommandResult {
  readonly output: string;
  readonly exitCode: number;
}

const sleep = (ms: number): Promise<void> =>
  new Promise((resolve) => {
    setTimeout(resolve, ms);
  });

/** A shell on a guest's serial console. */
export class GuestConsole {
  readonly #session: ConsoleSession;
  #buffer = '';
  #waiters: (() => void)[] = [];
  #seq = 0;
  #queue: Promise<unknown> = Promise.resolve();
  readonly #dispose: () => void;

  private constructor(session: ConsoleSession) {
    this.#session = session;
    this.#dispose = session.onData((data) => {
      this.#buffer += data;
      const waiters = this.#waiters;
      this.#waiters = [];
      for (const w of waiters) w();
    });
  }

  /**
   * Attach to a console and wait for the shell prompt (pressing Enter until it shows).
   * @param timeoutMs how long the guest may take to offer a prompt
   */
  static async open(
    session: ConsoleSession,
    timeoutMs = 60_000,
    prompt = TINY_GUEST_PROMPT,
  ): Promise<GuestConsole> {
    const c = new GuestConsole(session);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const from = c.#buffer.length;
      session.write('\r');
      try {
        await c.#waitFor(
          (buf) => buf.indexOf(prompt, from) >= 0,
          Math.min(3_000, Math.max(1, deadline - Date.now())),
        );
        return c;
      } catch (error) {
        if (Date.now() >= deadline) {
          c.close();
          throw new Error(
            `no shell prompt on the console within ${timeoutMs} ms; got: ${JSON.stringify(c.#buffer.slice(-500))}`,
            {
              cause: error,
            },
          );
        }
      }
    }
  }

  /** Everything the console printed so far. */
  get transcript(): string {
    return this.#buffer;
  }

  async #waitFor(done: (buffer: string) => boolean, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!done(this.#buffer)) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('timed out waiting for console output');
      await Promise.race([
        new Promise<void>((resolve) => {
          this.#waiters.push(resolve);
        }),
        sleep(Math.min(left, 1_000)),
      ]);
    }
  }

  /**
   * Type `command` (one line of shell) and return what it printed and its exit status.
   * Commands run one at a time, in call order.
   */
  run(command: string, timeoutMs = 60_000): Promise<CommandResult> {
    const next = this.#queue.then(() => this.#run(command, timeoutMs));
    this.#queue = next.catch(() => undefined);
    return next;
  }

  async #run(command: string, timeoutMs: number): Promise<CommandResult> {
    const n = `${process.pid}x${++this.#seq}`;
    const begin = `__B${n}__`;
    const endRe = new RegExp(`__E${n}_(\\d+)__`);
    const from = this.#buffer.length;
    // The quotes keep the typed (echoed) markers from matching: only the shell's output has
    // them without quotes.
    this.#session.write(`echo __B"${n}"__; ${command}; echo __E"${n}"_$?__\r`);
    try {
      await this.#waitFor((buf) => endRe.test(buf.slice(from)), timeoutMs);
    } catch {
      throw new Error(
        `command ${JSON.stringify(command)} did not finish within ${timeoutMs} ms; console: ${JSON.stringify(this.#buffer.slice(from).slice(-1000))}`,
      );
    }
    const text = this.#buffer.slice(from).replace(/\r/g, '');
    const end = endRe.exec(text);
    const start = text.indexOf(`${begin}\n`);
    const output = start < 0 || end === null ? '' : text.slice(start + begin.length + 1, end.index);
    return { output, exitCode: Number(end?.[1] ?? -1) };
  }

  /** Type a line without waiting for anything (e.g. `poweroff`, after which no prompt comes). */
  send(line: string): void {
    this.#session.write(`${line}\r`);
  }

  /** Detach (the guest keeps running). */
  close(): void {
    this.#dispose();
    this.#session.close();
  }
}

/**
 * Wait until the serial log file contains a complete line matching `pattern`; returns the line.
 * Reads the file libvirt writes (`<serial><log file>`), so it sees output from before any
 * console was attached.
 */
export async function waitForSerialLine(
  logPath: string,
  pattern: RegExp,
  timeoutMs: number,
): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let text = '';
  for (;;) {
    try {
      text = await readFile(logPath, 'utf8');
    } catch {
      text = '';
    }
    const lines = text.split('\n');
    lines.pop(); // the last piece has no newline yet
    const hit = lines.map((l) => l.replace(/\r/g, '')).find((l) => pattern.test(l));
    if (hit !== undefined) return hit;
    if (Date.now() >= deadline) {
      throw new Error(
        `no line matching ${String(pattern)} in ${logPath} within ${timeoutMs} ms; log tail: ${JSON.stringify(text.slice(-800))}`,
      );
    }
    await sleep(250);
  }
}

/** Wait for the tiny guest's AIO-READY line in its serial log and parse it. */
export async function waitForTinyReady(
  logPath: string,
  timeoutMs = 60_000,
): Promise<TinyGuestReady> {
  const line = await waitForSerialLine(logPath, /^AIO-READY /, timeoutMs);
  const ready = parseReadyLine(`${line}\n`);
  if (ready === null) throw new Error(`unparsable ready line: ${line}`);
  return ready;
}
