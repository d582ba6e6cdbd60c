// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from 'vitest';

import { repliesFrom } from './self-test';

describe('repliesFrom (who answered a busybox ping)', () => {
  it('reads IPv4 and IPv6 sources, scopes dropped, duplicates once', () => {
    const out = [
      'PING ff02::1%probe0 (ff02::1%probe0): 56 data bytes',
      '64 bytes from fe80::64a9:41ff:fed7:f4ed: seq=0 ttl=64 time=0.103 ms',
      '64 bytes from fe80::c0d1:bff:feb8:8704%probe0: seq=0 ttl=64 time=0.119 ms (DUP!)',
      '64 bytes from fe80::64a9:41ff:fed7:f4ed: seq=1 ttl=64 time=0.115 ms',
      '8980 bytes from 169.254.7.2: seq=0 ttl=64 time=0.2 ms',
    ].join('\n');
    expect(repliesFrom(out)).toEqual([
      'fe80::64a9:41ff:fed7:f4ed',
      'fe80::c0d1:bff:feb8:8704',
      '169.254.7.2',
    ]);
  });
  it('finds nobody in a ping nobody answered', () => {
    const out =
      'PING 192.0.2.2 (192.0.2.2): 56 data bytes\n\n--- 192.0.2.2 ping statistics ---\n' +
      '1 packets transmitted, 0 packets received, 100% packet loss\n';
    expect(repliesFrom(out)).toEqual([]);
  });
});
