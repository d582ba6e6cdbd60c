// SPDX-License-Identifier: Apache-2.0
// Events: the audit log newest first (oVirt's Events tab) and the progress of long actions
// (a VM booting, a network being deployed to hosts), live from the engine's event stream.
import {
  Label,
  PageSection,
  Progress,
  ProgressMeasureLocation,
  ProgressVariant,
  Title,
} from '@patternfly/react-core';
import { useEffect } from 'react';

import type { AuditEvent } from '../../../../main/contract/events';
import { Fault } from '../../components/Fault';
import { Table } from '../../components/Table';
import { useClient } from '../../context';
import { useQuery } from '../../hooks';
import { type ProgressStore, useJobs } from '../../progress';

const SEVERITY_COLOR = { normal: 'blue', warning: 'orange', error: 'red' } as const;

export function EventsPage({ progress }: { progress: ProgressStore }) {
  const events = useQuery('GetEvents', { max: 500 }, []);
  const client = useClient();
  const jobs = useJobs(progress);
  const { reload } = events;
  useEffect(
    () =>
      client.onEvent((e) => {
        if (e.type === 'audit') reload();
      }),
    [client, reload],
  );
  // Newest first, whatever order the engine returned.
  const rows: AuditEvent[] = [...(events.data ?? [])].sort((a, b) => b.id - a.id);
  return (
    <>
      <PageSection>
        <Title headingLevel="h1">Events</Title>
      </PageSection>
      {jobs.length > 0 && (
        <PageSection aria-label="Tasks in progress">
          <Title headingLevel="h2">Tasks</Title>
          {jobs.map((j) => (
            <Progress
              key={j.jobId}
              id={`job-${j.jobId}`}
              title={j.description}
              value={j.status === 'finished' ? 100 : Math.round((j.fraction ?? 0) * 100)}
              measureLocation={
                j.fraction === null && j.status !== 'finished'
                  ? ProgressMeasureLocation.none
                  : ProgressMeasureLocation.top
              }
              variant={
                j.status === 'failed'
                  ? ProgressVariant.danger
                  : j.status === 'finished'
                    ? ProgressVariant.success
                    : undefined
              }
              label={j.status === 'running' || j.status === 'started' ? 'In progress' : j.status}
              aria-label={`${j.description}: ${j.status}`}
              style={{ marginBottom: 12 }}
            />
          ))}
        </PageSection>
      )}
      <PageSection>
        <Fault error={events.error} />
        <Table
          label="Audit log"
          rows={rows}
          rowKey={(e) => String(e.id)}
          rowId={(e) => `event-${e.id}`}
          empty="No events yet."
          columns={[
            { title: 'Time', field: 'time', cell: (e) => new Date(e.time).toLocaleString() },
            {
              title: 'Severity',
              field: 'severity',
              cell: (e) => (
                <Label isCompact color={SEVERITY_COLOR[e.severity]}>
                  {e.severity}
                </Label>
              ),
            },
            { title: 'Message', field: 'message', cell: (e) => e.description },
            { title: 'User', field: 'user', cell: (e) => e.user ?? '—' },
            {
              title: 'Code',
              field: 'code',
              cell: (e) => <span className="aio-mono">{e.code}</span>,
            },
          ]}
        />
      </PageSection>
    </>
  );
}
