// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from 'vitest';

import type { DomainStateChange } from '../host-agent';
import type { DomainSummary, LibvirtConnection } from '../hypervisor';
import { DomainStateWatcher } from './domain-events';

const tick = (ms = 20): Promise<void> =>
  new Promise((r) => {
    setTimeout(r, ms);
  });

/** A connection whose listing the test controls; `hold` keeps a poll in flight. */
function stubConnection(): {
  conn: LibvirtConnection;
  set: (rows: DomainSummary[]) => void;
  hold: () => () => void;
} {
  let rows: DomainSummary[] = [];
  let gate: Promise<void> | null = null;
  const conn = {
    list: async (): Promise<DomainSummary[]> => {
      const snapshot = rows;
      if (gate !== null) await gate;
      return snapshot;
    },
  } as unknown as LibvirtConnection;
  return {
    conn,
    set: (r) => {
      rows = r;
    },
    hold: () => {
      let release: () => void = () => undefined;
      gate = new Promise((r) => {
        release = r;
      });
      return () => {
        gate = null;
        release();
      };
    },
  };
}

describe('DomainStateWatcher', () => {
  it('reports changes after the baseline, including a domain that disappears', async () => {
    const s = stubConnection();
    s.set([{ uuid: 'u1', name: 'a', state: 'down' }]);
    const w = new DomainStateWatcher(s.conn);
    const seen: DomainStateChange[] = [];
    const off = w.subscribe((c) => seen.push(c));
    await tick();
    expect(seen).toEqual([]); // baseline only
    s.set([{ uuid: 'u1', name: 'a', state: 'up' }]);
    w.poke();
    await tick();
    s.set([]);
    w.poke();
    await tick();
    expect(seen).toEqual([
      { uuid: 'u1', name: 'a', state: 'up' },
      { uuid: 'u1', name: 'a', state: 'down' },
    ]);
    off();
  });

  it('an observed state wins over a poll that read the host before it', async () => {
    const s = stubConnection();
    s.set([{ uuid: 'u1', name: 'a', state: 'up' }]);
    const w = new DomainStateWatcher(s.conn);
    const seen: DomainStateChange[] = [];
    const off = w.subscribe((c) => seen.push(c));
    await tick();
    const release = s.hold();
    w.poke(); // this poll reads "up" and is held in flight
    await tick();
    w.observe('u1', null, 'down'); // the agent just powered it off
    s.set([{ uuid: 'u1', name: 'a', state: 'down' }]);
    release();
    await tick(50);
    w.poke();
    await tick();
    expect(seen).toEqual([{ uuid: 'u1', name: 'a', state: 'down' }]);
    off();
  });
});
