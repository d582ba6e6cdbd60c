// SPDX-License-Identifier: Apache-2.0
// The per-request iproute2 process (ip-session.ts) against the real `ip`: output lines come back
// in order, a group of changes is waited for, and a failing line is mapped to its command. Only
// `lo` is touched (set up, which it already is), so this changes nothing on the host.
import { execFileSync } from 'node:child_process';

import { describe, expect, it } from 'vitest';

import { HostError } from '../../main/contract/errors';
import { IpLineFailure, IpSession } from './ip-session';

const haveIp = ((): boolean => {
  try {
    execFileSync('ip', ['-V']);
    return true;
  } catch {
    return false;
  }
})();
const root = process.getuid?.() === 0;
if (!haveIp || !root) console.log('ip-session tests skipped: they need iproute2 and root');

describe.skipIf(!haveIp || !root)('IpSession', () => {
  it('answers show lines in order, runs changes, and uses one process for all of it', async () => {
    const s = new IpSession();
    try {
      const withAddresses = (line: string | undefined): unknown[] =>
        (JSON.parse(line ?? '') as { addr_info?: unknown[] }[])[0]?.addr_info ?? [];
      const [a, b] = await s.show([
        ['addr', 'show', 'dev', 'lo'],
        ['addr', 'show', 'dev', 'lo'],
      ]);
      expect(JSON.parse(a ?? '')).toEqual([expect.objectContaining({ ifname: 'lo' })]);
      expect(withAddresses(b).length).toBeGreaterThan(0);
      await s.run([['link', 'set', 'dev', 'lo', 'up']]);
      // A read-back after a group of changes still carries addresses (the end-of-group marker
      // must not switch iproute2's `addr show` to links only).
      const [c] = await s.show([['addr', 'show', 'dev', 'lo']]);
      expect(withAddresses(c).length).toBeGreaterThan(0);
      expect(s.started).toBe(1);
    } finally {
      s.close();
    }
  });

  it('names the failing command of a group; the next call starts a new process', async () => {
    const s = new IpSession();
    try {
      const failure = await s
        .run([
          ['link', 'set', 'dev', 'lo', 'up'],
          ['link', 'set', 'dev', 'aionosuchdev0', 'up'],
          ['link', 'set', 'dev', 'lo', 'up'],
        ])
        .then(
          () => null,
          (e: unknown) => e,
        );
      expect(failure).toBeInstanceOf(IpLineFailure);
      const f = failure as IpLineFailure;
      expect(f.index).toBe(1);
      expect(f.error).toBeInstanceOf(HostError);
      expect(f.error.message).toContain('ip link set dev aionosuchdev0 up');
      expect(f.error.message).not.toContain('Command failed');
      const [lo] = await s.show([['addr', 'show', 'dev', 'lo']]);
      expect(JSON.parse(lo ?? '')).toEqual([expect.objectContaining({ ifname: 'lo' })]);
      expect(s.started).toBe(2);
    } finally {
      s.close();
    }
  });
});
