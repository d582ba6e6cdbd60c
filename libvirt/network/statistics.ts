// SPDX-License-Identifier: Apache-2.0
/**
 * Traffic counters per bridge and per VM tap, straight from the kernel
 * (/sys/class/net/<dev>/statistics), and rates between two samples. For a tap the host's
 * view is mirrored: its rx is what the guest sent.
 */
import { readFile } from 'node:fs/promises';

import { HostError, HostErrorCode } from '../../main/contract/errors';

/** Kernel counters of one device (/sys/class/net/<dev>/statistics). */
export interface DeviceCounters {
  readonly device: string;
  readonly rxBytes: number;
  readonly txBytes: number;
  readonly rxPackets: number;
  readonly txPackets: number;
  readonly rxErrors: number;
  readonly txErrors: number;
  readonly rxDropped: number;
  readonly txDropped: number;
  /** Milliseconds since the epoch when the counters were read. */
  readonly sampledAt: number;
}

/** Rates between two samples, per second. */
export interface DeviceRates {
  readonly device: string;
  readonly rxBytesPerSecond: number;
  readonly txBytesPerSecond: number;
  readonly rxPacketsPerSecond: number;
  readonly txPacketsPerSecond: number;
}

const COUNTERS = [
  ['rxBytes', 'rx_bytes'],
  ['txBytes', 'tx_bytes'],
  ['rxPackets', 'rx_packets'],
  ['txPackets', 'tx_packets'],
  ['rxErrors', 'rx_errors'],
  ['txErrors', 'tx_errors'],
  ['rxDropped', 'rx_dropped'],
  ['txDropped', 'tx_dropped'],
] as const;

/** Device names are used in a path: refuse anything that could leave /sys/class/net. */
const DEVICE_NAME = /^[^/\s]{1,15}$/;

/**
 * Read the kernel counters of one device.
 * @throws HostError HOST_COMMAND_FAILED when the device does not exist (any more)
 */
export async function deviceCounters(device: string): Promise<DeviceCounters> {
  if (!DEVICE_NAME.test(device) || device === '.' || device === '..') {
    throw new HostError(
      HostErrorCode.HOST_COMMAND_FAILED,
      `invalid device name ${JSON.stringify(device)}`,
    );
  }
  const sampledAt = Date.now();
  try {
    const values = await Promise.all(
      COUNTERS.map(async ([, file]) =>
        Number((await readFile(`/sys/class/net/${device}/statistics/${file}`, 'utf8')).trim()),
      ),
    );
    const out: Record<string, number> = {};
    COUNTERS.forEach(([key], i) => {
      out[key] = values[i] ?? 0;
    });
    return { device, sampledAt, ...(out as Omit<DeviceCounters, 'device' | 'sampledAt'>) };
  } catch (cause) {
    const detail = cause instanceof Error ? cause.message : String(cause);
    throw new HostError(
      HostErrorCode.HOST_COMMAND_FAILED,
      `no counters for device ${device}`,
      detail,
      { cause },
    );
  }
}

/** Per-second rate of one counter; 0 when time did not advance or the counter was reset. */
function rate(earlier: number, later: number, seconds: number): number {
  if (seconds <= 0 || later < earlier) return 0;
  return (later - earlier) / seconds;
}

/**
 * Rates between two samples of the same device (pure). A counter that went backwards (device
 * re-created, e.g. a tap after a VM restart) yields 0 rather than a negative rate.
 */
export function deviceRates(earlier: DeviceCounters, later: DeviceCounters): DeviceRates {
  const seconds = (later.sampledAt - earlier.sampledAt) / 1000;
  return {
    device: later.device,
    rxBytesPerSecond: rate(earlier.rxBytes, later.rxBytes, seconds),
    txBytesPerSecond: rate(earlier.txBytes, later.txBytes, seconds),
    rxPacketsPerSecond: rate(earlier.rxPackets, later.rxPackets, seconds),
    txPacketsPerSecond: rate(earlier.txPackets, later.txPackets, seconds),
  };
}
