// SPDX-License-Identifier: Apache-2.0
/**
 * oVirt host-NIC statistics (same names, units and ids as `HostNicStatisticalQuery`) computed
 * from kernel counters. Used for host NICs, attachments (their bridge) and vNICs (their tap).
 *
 * @see ../../shared/reference/ovirt-api.md §2.6, §2.7
 */
import { createHash } from 'node:crypto';

import type { DeviceCounters } from '../../libvirt/host-agent';
import type { Statistic, StatisticKind, StatisticUnit } from '../contract/common';

/** Java's `UUID.nameUUIDFromBytes(name)`: MD5, version 3, no namespace. */
export function nameUuid(name: string): string {
  const b = createHash('md5').update(name, 'utf8').digest();
  b.writeUInt8((b.readUInt8(6) & 0x0f) | 0x30, 6);
  b.writeUInt8((b.readUInt8(8) & 0x3f) | 0x80, 8);
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** Two significant digits, as oVirt's `MathContext(2)`. */
const round2 = (v: number): number => (v === 0 ? 0 : Number(v.toPrecision(2)));

const stat = (
  name: string,
  description: string,
  kind: StatisticKind,
  type: 'decimal' | 'integer',
  unit: StatisticUnit,
  datum: number,
): Statistic => ({
  id: nameUuid(name),
  name,
  description,
  kind,
  type,
  unit,
  values: [{ datum }],
});

export interface Rates {
  readonly rxBytesPerSecond: number;
  readonly txBytesPerSecond: number;
}

/** The eight statistics of an oVirt host NIC. `errors.*` are drops, as in oVirt. */
export function nicStatistics(c: DeviceCounters, r: Rates): Statistic[] {
  return [
    stat(
      'data.current.rx',
      'Receive data rate',
      'gauge',
      'decimal',
      'bytes_per_second',
      round2(r.rxBytesPerSecond),
    ),
    stat(
      'data.current.tx',
      'Transmit data rate',
      'gauge',
      'decimal',
      'bytes_per_second',
      round2(r.txBytesPerSecond),
    ),
    stat(
      'data.current.rx.bps',
      'Receive data rate',
      'gauge',
      'decimal',
      'bits_per_second',
      round2(r.rxBytesPerSecond * 8),
    ),
    stat(
      'data.current.tx.bps',
      'Transmit data rate',
      'gauge',
      'decimal',
      'bits_per_second',
      round2(r.txBytesPerSecond * 8),
    ),
    stat('data.total.rx', 'Total received data', 'counter', 'integer', 'bytes', c.rxBytes),
    stat('data.total.tx', 'Total transmitted data', 'counter', 'integer', 'bytes', c.txBytes),
    stat('errors.total.rx', 'Total receive errors', 'counter', 'integer', 'none', c.rxDropped),
    stat('errors.total.tx', 'Total transmit errors', 'counter', 'integer', 'none', c.txDropped),
  ];
}

/** VM statistics we can state without a guest agent. */
export function vmStatistics(memoryBytes: number, vcpus: number, upSeconds: number): Statistic[] {
  return [
    stat('memory.installed', 'Total memory configured', 'gauge', 'integer', 'bytes', memoryBytes),
    stat('cpu.count', 'Number of virtual CPUs', 'gauge', 'integer', 'none', vcpus),
    stat(
      'elapsed.time',
      'Elapsed VM runtime',
      'gauge',
      'integer',
      'none',
      Math.max(0, Math.round(upSeconds)),
    ),
  ];
}

/**
 * Turns successive counter samples into rates, per device. A sample younger than
 * `minIntervalMs` reuses the previous rate, so two quick reads do not show zero.
 */
export class RateTracker {
  private readonly last = new Map<string, { sample: DeviceCounters; rates: Rates }>();

  constructor(private readonly minIntervalMs = 500) {}

  update(sample: DeviceCounters): Rates {
    const prev = this.last.get(sample.device);
    if (prev && sample.sampledAt - prev.sample.sampledAt < this.minIntervalMs) return prev.rates;
    let rates: Rates = { rxBytesPerSecond: 0, txBytesPerSecond: 0 };
    if (prev && sample.sampledAt > prev.sample.sampledAt) {
      const s = (sample.sampledAt - prev.sample.sampledAt) / 1000;
      rates = {
        rxBytesPerSecond: Math.max(0, (sample.rxBytes - prev.sample.rxBytes) / s),
        txBytesPerSecond: Math.max(0, (sample.txBytes - prev.sample.txBytes) / s),
      };
    }
    this.last.set(sample.device, { sample, rates });
    return rates;
  }
}
