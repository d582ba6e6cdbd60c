// SPDX-License-Identifier: Apache-2.0
/**
 * The doctor's proof (issue 15): a real ping from inside guest A to B's address, typed on A's
 * serial console (the host agent's `domainConsole`), with what the guest printed as evidence.
 * The guest's shell prints the exit status after a marker that is quoted as typed, so only the
 * shell's own output matches it (never the echo of the line). Works with the tiny guest's root
 * shell (prompt `aio# `); a guest without a shell on its console (a login prompt) gives a probe
 * that says so instead of a verdict.
 */
import { randomBytes } from 'node:crypto';

import type { ConsoleSession } from '../../../../libvirt/host-agent';

export interface PingProbe {
  /** The line typed on A's console. */
  readonly command: string;
  /** True: at least one reply came back; false: none; null: the probe could not be run. */
  readonly reached: boolean | null;
  /** What the guest printed (escape sequences removed), or why there is no answer. */
  readonly evidence: string;
}

/** The tiny guest's prompt (libvirt/tiny-guest.ts TINY_GUEST_PROMPT). */
const PROMPT = '# ';
// ESC [ … letter (the tiny guest asks the terminal for the cursor after each prompt).
// eslint-disable-next-line no-control-regex
const ESCAPES = /\x1b\[[0-9;?]*[A-Za-z]/g;
// Other control characters (a bell, a stray ESC) mean nothing in evidence shown as text.
// eslint-disable-next-line no-control-regex
const CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f]/g;
const clean = (text: string): string => text.replace(ESCAPES, '').replace(CONTROLS, '');

const sleep = (ms: number): Promise<void> =>
  new Promise((resolve) => {
    setTimeout(resolve, ms);
  });

/**
 * Ping `address` from the guest on `session` (which the caller opened and this closes).
 * `count` echo requests, `waitSeconds` for the first reply; the whole probe is bounded by
 * `timeoutMs`.
 */
export async function pingFromConsole(
  session: ConsoleSession,
  address: string,
  { count = 3, waitSeconds = 2, timeoutMs = 30_000 } = {},
): Promise<PingProbe> {
  // Only digits and dots (the caller passes an IPv4 address it checked): nothing to quote.
  if (!/^\d{1,3}(\.\d{1,3}){3}$/.test(address)) {
    session.close();
    return { command: '', reached: null, evidence: `not an IPv4 address: ${address}` };
  }
  const command = `ping -c ${String(count)} -W ${String(waitSeconds)} ${address}`;
  const tag = randomBytes(4).toString('hex');
  const begin = `__B${tag}__`;
  const end = new RegExp(`__E${tag}_(\\d+)__`);
  let buffer = '';
  const off = session.onData((data) => {
    buffer += data;
  });
  const deadline = Date.now() + timeoutMs;
  try {
    // A serial console shows nothing until the shell prints a prompt: press Enter until it does.
    while (!clean(buffer).includes(PROMPT)) {
      if (Date.now() >= deadline)
        return {
          command,
          reached: null,
          evidence: `no shell prompt on the console (got ${JSON.stringify(clean(buffer).slice(-200))})`,
        };
      session.write('\r');
      await sleep(500);
    }
    const from = buffer.length;
    session.write(`echo __B"${tag}"__; ${command}; echo __E"${tag}"_$?__\r`);
    while (!end.test(clean(buffer.slice(from)))) {
      if (Date.now() >= deadline)
        return {
          command,
          reached: null,
          evidence: `no answer within ${String(timeoutMs / 1000)} s: ${clean(buffer.slice(from)).slice(-500)}`,
        };
      await sleep(200);
    }
    const text = clean(buffer.slice(from));
    const status = Number(end.exec(text)?.[1] ?? -1);
    const start = text.indexOf(`${begin}\n`);
    const stop = text.search(end);
    const output = (start < 0 ? text.slice(0, stop) : text.slice(start + begin.length + 1, stop))
      .trim()
      .slice(-2000);
    return { command, reached: status === 0, evidence: output };
  } finally {
    off();
    session.close();
  }
}
