// SPDX-License-Identifier: Apache-2.0
/**
 * Issue 13 item 9: bridges below IPv6's minimum MTU (1280) have no IPv6 at all. The plan, the
 * rollback and the read-back must count that as isolated, never try to write IPv6 settings
 * then, and put isolation back right after an MTU step that gives IPv6 back.
 */
import { describe, expect, it } from 'vitest';

import { canonicalize } from './canonicalize';
import { desiredState, ISOLATED_SYSCTLS, type NetStep, restoreSteps } from './desired-state';
import { reportNetwork } from './report';
import { facts, isolatedBridge } from './test-facts';

/** An isolated bridge after its MTU went below 1280: the kernel dropped its IPv6 state. */
const small = (name: string, mtu = 1200): ReturnType<typeof isolatedBridge> =>
  isolatedBridge(name, {
    mtu,
    addrGenMode: null,
    sysctl: { disableIpv6: -1, arpIgnore: 8, rpFilter: 1 },
  });
const iso = (dev: string): NetStep => ({
  op: 'bridge-sysctls',
  dev,
  addrGenMode: 'none',
  sysctls: ISOLATED_SYSCTLS,
});

describe('MTU below 1280 on an isolated bridge', () => {
  it('reads back as IPv6-disabled (no sysctl directory is not "enabled")', () => {
    const r = reportNetwork(facts([small('blue')]), 'blue', null);
    expect(r.ipv6Disabled).toBe(true);
    expect(r.ipv4HostBlocked).toBe(true);
  });
  it('needs no step when it is already as asked', () => {
    const f = facts([small('blue')]);
    expect(desiredState(f, canonicalize({ networks: { blue: { mtu: 1200 } } }))).toEqual([]);
  });
  it('raising the MTU to 1280+ re-applies isolation after the MTU step', () => {
    const f = facts([small('blue')]);
    expect(desiredState(f, canonicalize({ networks: { blue: { mtu: 1500 } } }))).toEqual([
      { op: 'set-mtu', dev: 'blue', mtu: 1500 },
      iso('blue'),
    ]);
  });
  it('lowering the MTU keeps isolation first (IPv6 is still there to write)', () => {
    const f = facts([isolatedBridge('blue')]);
    expect(desiredState(f, canonicalize({ networks: { blue: { mtu: 1000 } } }))).toEqual([
      { op: 'set-mtu', dev: 'blue', mtu: 1000 },
    ]);
  });
  it('rollback from a failed lowering restores the MTU first, then isolation', () => {
    const snapshot = new Map([['blue', isolatedBridge('blue')]]);
    const steps = restoreSteps(snapshot, facts([small('blue')]));
    expect(steps).toEqual([{ op: 'set-mtu', dev: 'blue', mtu: 1500 }, iso('blue')]);
  });
});
