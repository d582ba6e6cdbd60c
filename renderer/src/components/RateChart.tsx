// SPDX-License-Identifier: Apache-2.0
// A small live rx/tx chart: polls a statistics query and draws the last samples as two SVG
// lines (no chart library: @patternfly/react-charts is not installed and this is 60 lines).
import { useEffect, useRef, useState } from 'react';

import type { Statistic } from '../../../main/contract/common';

export interface RateSample {
  readonly rx: number;
  readonly tx: number;
}

const SAMPLES = 30;

/** Reads the current rx/tx byte rates out of oVirt-style statistics. */
export function ratesOf(stats: readonly Statistic[]): RateSample {
  const value = (name: string): number => stats.find((s) => s.name === name)?.values[0]?.datum ?? 0;
  return { rx: value('data.current.rx'), tx: value('data.current.tx') };
}

/** "12.3 KB/s". */
export function formatRate(bytesPerSecond: number): string {
  const units = ['B/s', 'KB/s', 'MB/s', 'GB/s'];
  let v = bytesPerSecond;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(v < 10 && i > 0 ? 1 : 0)} ${units[i] ?? 'B/s'}`;
}

/** SVG polyline points for samples scaled into a width×height box. */
export function polyline(
  values: readonly number[],
  width: number,
  height: number,
  max: number,
): string {
  const step = width / (SAMPLES - 1);
  const offset = SAMPLES - values.length;
  return values
    .map(
      (v, i) =>
        `${((offset + i) * step).toFixed(1)},${(height - (max > 0 ? (v / max) * height : 0)).toFixed(1)}`,
    )
    .join(' ');
}

export function RateChart({
  id,
  label,
  load,
  intervalMs = 2000,
}: {
  id: string;
  label: string;
  load: () => Promise<readonly Statistic[]>;
  intervalMs?: number;
}) {
  const [samples, setSamples] = useState<RateSample[]>([]);
  const loadRef = useRef(load);
  loadRef.current = load;
  useEffect(() => {
    let live = true;
    const tick = (): void => {
      loadRef.current().then(
        (stats) => {
          if (live) setSamples((s) => [...s, ratesOf(stats)].slice(-SAMPLES));
        },
        () => undefined,
      );
    };
    tick();
    const timer = setInterval(tick, intervalMs);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [intervalMs]);
  const last = samples[samples.length - 1] ?? { rx: 0, tx: 0 };
  const max = Math.max(1, ...samples.map((s) => Math.max(s.rx, s.tx)));
  const w = 160;
  const h = 36;
  return (
    <figure className="aio-rates" id={id} style={{ margin: 0 }} data-samples={samples.length}>
      <svg
        width={w}
        height={h}
        role="img"
        aria-label={`${label}: receive ${formatRate(last.rx)}, transmit ${formatRate(last.tx)}`}
      >
        <rect x={0} y={0} width={w} height={h} fill="none" stroke="#d2d2d2" />
        <polyline
          fill="none"
          stroke="#0066cc"
          strokeWidth={1.5}
          points={polyline(
            samples.map((s) => s.rx),
            w,
            h,
            max,
          )}
        />
        <polyline
          fill="none"
          stroke="#f0ab00"
          strokeWidth={1.5}
          points={polyline(
            samples.map((s) => s.tx),
            w,
            h,
            max,
          )}
        />
      </svg>
      <figcaption style={{ fontSize: '0.8em' }}>
        <span style={{ color: '#0066cc' }}>rx {formatRate(last.rx)}</span> ·{' '}
        <span style={{ color: '#b98000' }}>tx {formatRate(last.tx)}</span>
      </figcaption>
    </figure>
  );
}
