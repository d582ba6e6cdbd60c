// SPDX-License-Identifier: Apache-2.0
// Which device each `ip -o monitor link address netconf` line (iproute2 6.1) is about.
import { describe, expect, it } from 'vitest';

import { monitorLineDevice } from './fact-watch';

describe('ip monitor lines', () => {
  it.each([
    [
      '1039: leanmon0: <BROADCAST,MULTICAST> mtu 1500 qdisc noop state DOWN group default \\    link/ether d6:6d:29:d3:39:29 brd ff:ff:ff:ff:ff:ff',
      'leanmon0',
    ],
    ['Deleted 1039: leanmon0: <BROADCAST,MULTICAST> mtu 1500 qdisc noop state DOWN', 'leanmon0'],
    ['12: veth0@if13: <BROADCAST,MULTICAST,UP> mtu 1500 master br0 state UP', 'veth0'],
    [
      '1039: leanmon0    inet6 2001:db8::5/64 scope global tentative \\       valid_lft forever',
      'leanmon0',
    ],
    ['Deleted 1039: leanmon0    inet 10.99.0.1/24 scope global leanmon0', 'leanmon0'],
    ['inet leanmon0 rp_filter strict ', 'leanmon0'],
    ['inet6 leanmon0 forwarding off mc_forwarding off proxy_neigh off', 'leanmon0'],
    ['Deleted inet6 leanmon0 ', 'leanmon0'],
    ['ipv4 dev br0 forwarding on', 'br0'],
    ['inet all forwarding on', null],
    ['inet default rp_filter loose', null],
    ['something else entirely', null],
  ])('%s → %s', (line, dev) => {
    expect(monitorLineDevice(line)).toBe(dev);
  });
});
