// SPDX-License-Identifier: Apache-2.0
/**
 * The agent's side of serial consoles over the engine connection (protocol.ts,
 * CONSOLE_METHODS): the sessions one connection opened, by number. Closing the connection
 * closes them all, so a lost engine never leaves a console attached to a guest.
 */
import type { ConsoleSession, HostAgent } from '../host-agent';
import type { ConsoleMethod, EventFrame } from './protocol';

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);

export class ConsoleSessions {
  private readonly sessions = new Map<number, ConsoleSession>();
  private next = 1;

  constructor(
    private readonly agent: HostAgent,
    private readonly push: (frame: EventFrame) => void,
  ) {}

  /** Serve one console call; resolves to its result, rejects on bad parameters. */
  async call(method: ConsoleMethod, params: readonly unknown[]): Promise<unknown> {
    if (method === 'consoleOpen') {
      const uuid = params[0];
      if (typeof uuid !== 'string') throw new Error('consoleOpen needs a domain uuid');
      const session = await this.agent.domainConsole(uuid);
      const id = this.next++;
      this.sessions.set(id, session);
      session.onData((data) => {
        this.push({ event: 'console', data: { session: id, data } });
      });
      session.onExit((code) => {
        if (this.sessions.delete(id))
          this.push({ event: 'console-exit', data: { session: id, code } });
      });
      return { session: id };
    }
    const id = params[0];
    if (!isInt(id)) throw new Error(`${method} needs a session number`);
    const session = this.sessions.get(id);
    if (!session) throw new Error(`no console session ${String(id)}`);
    if (method === 'consoleWrite') {
      if (typeof params[1] !== 'string') throw new Error('consoleWrite needs a string');
      session.write(params[1]);
    } else if (method === 'consoleResize') {
      const [, cols, rows] = params;
      if (!isInt(cols) || !isInt(rows) || cols < 1 || rows < 1 || cols > 1000 || rows > 1000)
        throw new Error('consoleResize needs columns and rows (1–1000)');
      session.resize(cols, rows);
    } else {
      this.sessions.delete(id);
      session.close();
    }
    return null;
  }

  /** The connection is gone: close every session it opened. */
  closeAll(): void {
    for (const s of this.sessions.values()) s.close();
    this.sessions.clear();
  }
}
