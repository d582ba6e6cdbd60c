// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from 'vitest';

import type { DeviceCounters } from '../../libvirt/host-agent';
import { nameUuid, nicStatistics, RateTracker } from './statistics';

const counters = (rx: number, tx: number, at: number): DeviceCounters => ({
  device: 'br',
  rxBytes: rx,
  txBytes: tx,
  rxPackets: 0,
  txPackets: 0,
  rxErrors: 0,
  txErrors: 0,
  rxDropped: 1,
  txDropped: 2,
  sampledAt: at,
});

describe('statistics', () => {
  it('uses oVirt statistic ids (Java nameUUIDFromBytes)', () => {
    expect(nameUuid('data.current.rx')).toBe('ecd0559f-e88f-3330-94b4-1f091b0ffdf7');
    expect(nameUuid('errors.total.tx')).toBe('7211a516-3e61-3c4e-be79-739424d13461');
  });
  it('computes rates between samples and reports drops as errors', () => {
    const t = new RateTracker();
    t.update(counters(0, 0, 1000));
    const r = t.update(counters(2000, 1000, 3000));
    expect(r.rxBytesPerSecond).toBe(1000);
    const s = nicStatistics(counters(2000, 1000, 3000), r);
    expect(s).toHaveLength(8);
    expect(s.find((x) => x.name === 'data.current.rx.bps')?.values[0]?.datum).toBe(8000);
    expect(s.find((x) => x.name === 'errors.total.tx')?.values[0]?.datum).toBe(2);
  });
});
