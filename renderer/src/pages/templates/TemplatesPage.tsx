// SPDX-License-Identifier: Apache-2.0
// Templates (oVirt's Compute → Templates): built-in (Blank, tiny), bundled (debian-12) and the
// ones made from VMs, with status (locked while their disks are copied), disks and Remove.
import { Button, PageSection, Title } from '@patternfly/react-core';
import { useState } from 'react';

import { BLANK_TEMPLATE_ID, type Template } from '../../../../main/contract/templates';
import { formatBytes } from '../../components/bytes';
import { Fault } from '../../components/Fault';
import { domId } from '../../components/ids';
import { StatusLabel } from '../../components/Status';
import { Table } from '../../components/Table';
import { useClient } from '../../context';
import { useQuery } from '../../hooks';
import { href } from '../../router';

const BOOT_TEXT: Readonly<Record<Template['boot'], string>> = {
  none: 'Nothing (disks are added to the VM)',
  tiny: 'Built-in tiny guest',
  disks: 'Its disks',
};

export function TemplatesPage() {
  const client = useClient();
  const templates = useQuery('GetAllTemplates', {}, ['template']);
  const vms = useQuery('GetAllVms', {}, ['vm']);
  const disks = useQuery('GetAllDisks', {}, ['disk', 'template']);
  const [error, setError] = useState<unknown>(null);
  const rows = [...(templates.data ?? [])].sort((a, b) => a.name.localeCompare(b.name));

  const remove = (t: Template): void => {
    setError(null);
    client.invoke('RemoveVmTemplate', { id: t.id }).then(
      () => {
        templates.reload();
      },
      (e: unknown) => {
        setError(e);
      },
    );
  };

  return (
    <>
      <PageSection>
        <Title headingLevel="h1">Templates</Title>
      </PageSection>
      <PageSection>
        <p style={{ marginBottom: 16 }}>
          Make a template from a down VM with <em>Make template</em> on the VM. New VMs from a
          template are thin (a qcow2 overlay on the template&apos;s disks) unless you ask for a
          clone.
        </p>
        <Fault error={error ?? templates.error} />
        <Table
          label="Templates"
          rows={rows}
          rowKey={(t) => t.id}
          rowId={(t) => domId('template', t.name, '').slice(0, -1)}
          columns={[
            { title: 'Name', field: 'name', cell: (t) => <strong>{t.name}</strong> },
            { title: 'Description', field: 'description', cell: (t) => t.description || '—' },
            { title: 'Status', field: 'status', cell: (t) => <StatusLabel status={t.status} /> },
            {
              title: 'Version',
              field: 'version',
              cell: (t) =>
                `${t.version.versionNumber}${t.version.versionName ? ` (${t.version.versionName})` : ''}`,
            },
            { title: 'Boots from', field: 'boot', cell: (t) => BOOT_TEXT[t.boot] },
            {
              title: 'Disks',
              field: 'disks',
              cell: (t) => {
                const own = (disks.data ?? []).filter((d) => d.templateId === t.id);
                if (own.length === 0) return '—';
                return own.map((d) => `${d.name} (${formatBytes(d.provisionedSize)})`).join(', ');
              },
            },
            {
              title: 'VMs',
              field: 'vms',
              cell: (t) => {
                const users = (vms.data ?? []).filter((v) => v.templateId === t.id);
                return users.length === 0 ? (
                  '—'
                ) : (
                  <>
                    {users.map((v, i) => (
                      <span key={v.id}>
                        {i > 0 && ', '}
                        <a href={href({ section: 'vms', id: v.id, tab: 'general' })}>{v.name}</a>
                      </span>
                    ))}
                  </>
                );
              },
            },
            {
              title: 'Actions',
              cell: (t) => (
                <Button
                  size="sm"
                  variant="danger"
                  id={domId('template', t.name, 'remove')}
                  aria-label={`Remove template ${t.name}`}
                  isDisabled={t.id === BLANK_TEMPLATE_ID || t.status === 'locked'}
                  onClick={() => {
                    remove(t);
                  }}
                >
                  Remove
                </Button>
              ),
            },
          ]}
        />
      </PageSection>
    </>
  );
}
