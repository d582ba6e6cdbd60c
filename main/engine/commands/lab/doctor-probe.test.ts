// SPDX-License-Identifier: Apache-2.0
/**
 * The doctor's probe against a scripted serial console: the typed line is echoed (as a real
 * terminal does), so only the shell's own marker may count; the exit status decides, the
 * output between the markers is the evidence, and a console without a prompt gives no verdict.
 */
import { describe, expect, it } from 'vitest';

import type { ConsoleSession } from '../../../../libvirt/host-agent';
import { pingFromConsole } from './doctor-probe';

/** A console whose "shell" answers each typed command line with `answer(command)`. */
function scriptedConsole(
  answer: ((command: string) => { output: string; status: number }) | null,
): ConsoleSession & { closed: boolean } {
  const listeners = new Set<(d: string) => void>();
  const emit = (d: string): void => {
    setTimeout(() => {
      for (const l of listeners) l(d);
    }, 5);
  };
  const session = {
    closed: false,
    write(data: string): void {
      if (answer === null) return; // a console that never shows a prompt
      if (data === '\r') {
        emit('\r\naio# \x1b[6n');
        return;
      }
      emit(data.replace(/\r$/, '\r\n')); // the terminal's echo, quotes and all
      const m = /^echo __B"(\w+)"__; (.*); echo __E"\w+"_\$\?__\r$/.exec(data);
      if (m === null) return;
      const [, tag = '', command = ''] = m;
      const r = answer(command);
      emit(`__B${tag}__\r\n${r.output.replace(/\n/g, '\r\n')}__E${tag}_${r.status}__\r\naio# `);
    },
    onData(l: (d: string) => void): () => void {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    onExit: () => () => undefined,
    resize: () => undefined,
    close(): void {
      session.closed = true;
    },
  };
  return session;
}

describe('pingFromConsole', () => {
  it('reads the exit status after the marker the shell printed, and the output as evidence', async () => {
    let typed = '';
    const c = scriptedConsole((command) => {
      typed = command;
      return {
        output: 'PING 10.0.0.2 (10.0.0.2): 56 data bytes\n64 bytes from 10.0.0.2: seq=0\x07\n',
        status: 0,
      };
    });
    const p = await pingFromConsole(c, '10.0.0.2');
    expect(typed).toBe('ping -c 3 -W 2 10.0.0.2');
    expect(p).toEqual({
      command: 'ping -c 3 -W 2 10.0.0.2',
      reached: true,
      evidence: 'PING 10.0.0.2 (10.0.0.2): 56 data bytes\n64 bytes from 10.0.0.2: seq=0',
    });
    expect(c.closed).toBe(true);
  });

  it('a failed ping is "not reached", with what it printed', async () => {
    const c = scriptedConsole(() => ({
      output: '3 packets transmitted, 0 packets received, 100% packet loss\n',
      status: 1,
    }));
    const p = await pingFromConsole(c, '10.0.0.3');
    expect(p.reached).toBe(false);
    expect(p.evidence).toBe('3 packets transmitted, 0 packets received, 100% packet loss');
  });

  it('no prompt, or not an address: no verdict, and why', async () => {
    const silent = scriptedConsole(null);
    const p = await pingFromConsole(silent, '10.0.0.4', { timeoutMs: 1200 });
    expect(p.reached).toBeNull();
    expect(p.evidence).toContain('no shell prompt');
    expect(silent.closed).toBe(true);
    const unused = scriptedConsole(null);
    const bad = await pingFromConsole(unused, '10.0.0.4; reboot');
    expect(bad).toMatchObject({ reached: null, command: '' });
    expect(unused.closed).toBe(true);
    expect(bad.evidence).toContain('not an IPv4 address');
  });
});
