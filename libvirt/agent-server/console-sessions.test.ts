// SPDX-License-Identifier: Apache-2.0
/**
 * The agent's console sessions (issue 17): data and exit become events for the engine, calls
 * with bad parameters are refused (never reach the session), closing the connection closes
 * every session it opened. The wire itself is exercised with a real guest in
 * test/multihost/placement.test.ts.
 */
import { describe, expect, it } from 'vitest';

import type { ConsoleSession, HostAgent } from '../host-agent';
import { ConsoleSessions } from './console-sessions';
import type { EventFrame } from './protocol';

function fakeSession(): ConsoleSession & {
  written: string[];
  sizes: [number, number][];
  closed: number;
  emit(d: string): void;
  exit(code: number): void;
} {
  const data = new Set<(d: string) => void>();
  const exits = new Set<(c: number) => void>();
  const s = {
    written: [] as string[],
    sizes: [] as [number, number][],
    closed: 0,
    write: (d: string) => s.written.push(d),
    onData: (l: (d: string) => void) => {
      data.add(l);
      return () => data.delete(l);
    },
    onExit: (l: (c: number) => void) => {
      exits.add(l);
      return () => exits.delete(l);
    },
    resize: (c: number, r: number) => s.sizes.push([c, r]),
    close: () => {
      s.closed += 1;
    },
    emit: (d: string) => {
      for (const l of data) l(d);
    },
    exit: (code: number) => {
      for (const l of exits) l(code);
    },
  };
  return s;
}

describe('ConsoleSessions', () => {
  it('opens, relays both ways, refuses bad calls, ends with the guest or the connection', async () => {
    const sessions = [fakeSession(), fakeSession()];
    let opened = 0;
    const agent = {
      domainConsole: (uuid: string) => {
        if (uuid !== 'vm') return Promise.reject(new Error('no such domain'));
        return Promise.resolve(sessions[opened++]);
      },
    } as unknown as HostAgent;
    const events: EventFrame[] = [];
    const c = new ConsoleSessions(agent, (f) => events.push(f));

    await expect(c.call('consoleOpen', [42])).rejects.toThrow(/uuid/);
    await expect(c.call('consoleOpen', ['other'])).rejects.toThrow(/no such domain/);
    const { session } = (await c.call('consoleOpen', ['vm'])) as { session: number };
    const first = sessions[0];
    if (!first) throw new Error('no session');
    first.emit('aio# ');
    expect(events).toEqual([{ event: 'console', data: { session, data: 'aio# ' } }]);
    await c.call('consoleWrite', [session, 'hostname\r']);
    expect(first.written).toEqual(['hostname\r']);
    await expect(c.call('consoleWrite', [session, 7])).rejects.toThrow(/string/);
    await expect(c.call('consoleResize', [session, 0, 24])).rejects.toThrow(/columns/);
    await c.call('consoleResize', [session, 80, 24]);
    expect(first.sizes).toEqual([[80, 24]]);
    await expect(c.call('consoleWrite', [session + 100, 'x'])).rejects.toThrow(/no console/);
    expect(first.written).toEqual(['hostname\r']);
    first.exit(0);
    expect(events.at(-1)).toEqual({ event: 'console-exit', data: { session, code: 0 } });
    await expect(c.call('consoleWrite', [session, 'x'])).rejects.toThrow(/no console/);

    await c.call('consoleOpen', ['vm']);
    c.closeAll();
    expect(sessions[1]?.closed).toBe(1);
  });
});
