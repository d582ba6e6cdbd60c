// SPDX-License-Identifier: Apache-2.0
// Status labels with oVirt's words and PatternFly's colours.
import { Label } from '@patternfly/react-core';

const COLORS: Readonly<Record<string, 'green' | 'orange' | 'red' | 'blue' | 'grey'>> = {
  up: 'green',
  operational: 'green',
  down: 'grey',
  maintenance: 'blue',
  preparing_for_maintenance: 'orange',
  wait_for_launch: 'orange',
  powering_up: 'orange',
  powering_down: 'orange',
  initializing: 'orange',
  connecting: 'orange',
  paused: 'blue',
  non_operational: 'red',
  non_responsive: 'red',
  unknown: 'red',
};

/** "powering_up" → "Powering up". */
export function humanize(status: string): string {
  const s = status.replace(/_/g, ' ');
  return s.charAt(0).toUpperCase() + s.slice(1);
}

export function StatusLabel({ status, id }: { status: string; id?: string }) {
  return (
    <Label color={COLORS[status] ?? 'grey'} {...(id ? { id } : {})}>
      {humanize(status)}
    </Label>
  );
}
