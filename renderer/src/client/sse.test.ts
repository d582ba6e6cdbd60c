// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from 'vitest';

import { SseParser } from './sse';

describe('SseParser', () => {
  it('assembles messages split across chunks', () => {
    const p = new SseParser();
    expect(p.push('event: network.changed\ndata: {"id"')).toEqual([]);
    expect(p.push(':"n1"}\n\n: keep-alive\n\ndata: a\ndata: b\r\n\r\n')).toEqual([
      { event: 'network.changed', data: '{"id":"n1"}' },
      { event: 'message', data: 'a\nb' },
    ]);
  });

  it('ignores comments and blank events', () => {
    const p = new SseParser();
    expect(p.push(': hello\n\n\n')).toEqual([]);
  });
});
