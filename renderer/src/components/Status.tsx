// SPDX-License-Identifier: Apache-2.0
// Status labels with oVirt's words and PatternFly's colours.
import { Label, Spinner } from '@patternfly/react-core';

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
  // Issue 17: a remote host waiting for its agent to enroll.
  installing: 'orange',
  paused: 'blue',
  non_operational: 'red',
  non_responsive: 'red',
  unknown: 'red',
  // Storage (disks, templates, snapshots, storage domains, image transfers)
  ok: 'green',
  active: 'green',
  locked: 'orange',
  image_locked: 'orange',
  illegal: 'red',
  in_preview: 'blue',
  inactive: 'grey',
  unattached: 'grey',
  transferring: 'orange',
  finished_success: 'green',
  finished_failure: 'red',
};

/** Statuses of something the engine is working on: shown with a spinner. */
const BUSY = new Set(['locked', 'image_locked', 'transferring', 'wait_for_launch', 'powering_up']);

/** "powering_up" → "Powering up". */
export function humanize(status: string): string {
  const s = status.replace(/_/g, ' ');
  return s.charAt(0).toUpperCase() + s.slice(1);
}

export function StatusLabel({ status, id }: { status: string; id?: string }) {
  return (
    <Label
      color={COLORS[status] ?? 'grey'}
      {...(id ? { id } : {})}
      {...(BUSY.has(status) ? { icon: <Spinner size="sm" aria-hidden /> } : {})}
    >
      {humanize(status)}
    </Label>
  );
}
