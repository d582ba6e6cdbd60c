// SPDX-License-Identifier: Apache-2.0
// Storage (oVirt's Storage → Domains and Storage → Disks on one page): the data domains with
// their space, and every disk with its size, format, status and the VM it belongs to. Disks
// are created empty, uploaded from a local image file, or imported from a file on this
// machine; locked disks show a spinner and update from engine events, with no refresh.
import {
  Button,
  Flex,
  FlexItem,
  PageSection,
  Progress,
  ProgressMeasureLocation,
  ProgressSize,
  Title,
  Toolbar,
  ToolbarContent,
  ToolbarItem,
  Tooltip,
} from '@patternfly/react-core';
import { useState } from 'react';

import type { Disk } from '../../../../main/contract/disks';
import type { StorageDomain } from '../../../../main/contract/storage-domains';
import { formatBytes } from '../../components/bytes';
import { Fault } from '../../components/Fault';
import { domId } from '../../components/ids';
import { StatusLabel } from '../../components/Status';
import { Table } from '../../components/Table';
import { useClient } from '../../context';
import { useQuery } from '../../hooks';
import { href } from '../../router';
import { ExtendDiskDialog } from './ExtendDiskDialog';
import { ImportImageDialog } from './ImportImageDialog';
import { NewDiskDialog } from './NewDiskDialog';
import { UploadImageDialog } from './UploadImageDialog';

/** Used share of a domain (0..100), or null when the host did not report its space. */
export function usedPercent(sd: StorageDomain): number | null {
  if (sd.usedBytes === null || sd.availableBytes === null) return null;
  const size = sd.usedBytes + sd.availableBytes;
  return size > 0 ? Math.round((sd.usedBytes / size) * 100) : 0;
}

function DomainUsage({ sd }: { sd: StorageDomain }) {
  const pct = usedPercent(sd);
  if (pct === null || sd.usedBytes === null || sd.availableBytes === null) {
    return <span>Unknown (host not reachable)</span>;
  }
  const warn = pct >= 100 - sd.warningLowSpaceIndicator;
  return (
    <div style={{ minWidth: 260 }}>
      <Progress
        value={pct}
        size={ProgressSize.sm}
        measureLocation={ProgressMeasureLocation.outside}
        aria-label={`Space used on ${sd.name}`}
        {...(warn ? { variant: 'warning' as const } : {})}
      />
      <small>
        {formatBytes(sd.usedBytes)} used · {formatBytes(sd.availableBytes)} free ·{' '}
        {formatBytes(sd.committedBytes)} committed to disks
      </small>
    </div>
  );
}

type Dialog =
  { kind: 'new' } | { kind: 'upload' } | { kind: 'import' } | { kind: 'extend'; disk: Disk } | null;

export function StoragePage() {
  const client = useClient();
  const domains = useQuery('GetAllStorageDomains', {}, ['storage_domain', 'disk']);
  const disks = useQuery('GetAllDisks', {}, ['disk', 'disk_attachment', 'vm', 'template']);
  const vms = useQuery('GetAllVms', {}, ['vm']);
  const templates = useQuery('GetAllTemplates', {}, ['template']);
  const [dialog, setDialog] = useState<Dialog>(null);
  const [error, setError] = useState<unknown>(null);
  const domainList = [...(domains.data ?? [])].sort((a, b) => a.name.localeCompare(b.name));
  const diskList = [...(disks.data ?? [])].sort((a, b) => a.name.localeCompare(b.name));
  const domainName = (id: string): string => domains.data?.find((d) => d.id === id)?.name ?? '—';

  const owner = (d: Disk) => {
    if (d.vmId) {
      const vm = vms.data?.find((v) => v.id === d.vmId);
      return <a href={href({ section: 'vms', id: d.vmId, tab: 'disks' })}>{vm?.name ?? d.vmId}</a>;
    }
    if (d.templateId) {
      const t = templates.data?.find((x) => x.id === d.templateId);
      return <span>Template {t?.name ?? d.templateId}</span>;
    }
    return <span>Not attached</span>;
  };

  const remove = (d: Disk): void => {
    setError(null);
    client.invoke('RemoveDisk', { id: d.id }).then(
      () => {
        disks.reload();
      },
      (e: unknown) => {
        setError(e);
      },
    );
  };

  return (
    <>
      <PageSection>
        <Title headingLevel="h1">Storage</Title>
      </PageSection>
      <PageSection>
        <Title headingLevel="h2" size="lg">
          Storage domains
        </Title>
        <Fault error={domains.error} />
        <Table
          label="Storage domains"
          rows={domainList}
          rowKey={(d) => d.id}
          rowId={(d) => domId('storage-domain', d.name, '').slice(0, -1)}
          empty="No storage domain. The engine creates “local” on its first start."
          columns={[
            { title: 'Name', field: 'name', cell: (d) => <strong>{d.name}</strong> },
            {
              title: 'Type',
              field: 'type',
              cell: (d) => `${d.type} (${d.storageType})${d.master ? ', master' : ''}`,
            },
            {
              title: 'Path',
              field: 'path',
              cell: (d) => <span className="aio-mono">{d.path}</span>,
            },
            { title: 'Space', field: 'space', cell: (d) => <DomainUsage sd={d} /> },
            {
              title: 'Disks',
              field: 'disks',
              cell: (d) => String(diskList.filter((x) => x.storageDomainId === d.id).length),
            },
            { title: 'Status', field: 'status', cell: (d) => <StatusLabel status={d.status} /> },
          ]}
        />
      </PageSection>
      <PageSection>
        <Title headingLevel="h2" size="lg">
          Disks
        </Title>
        <Toolbar>
          <ToolbarContent>
            <ToolbarItem>
              <Button
                id="disk-new"
                variant="primary"
                isDisabled={domainList.length === 0}
                onClick={() => {
                  setDialog({ kind: 'new' });
                }}
              >
                New disk
              </Button>
            </ToolbarItem>
            <ToolbarItem>
              <Button
                id="disk-upload"
                variant="secondary"
                isDisabled={domainList.length === 0}
                onClick={() => {
                  setDialog({ kind: 'upload' });
                }}
              >
                Upload image
              </Button>
            </ToolbarItem>
            <ToolbarItem>
              <Button
                id="disk-import"
                variant="secondary"
                isDisabled={domainList.length === 0}
                onClick={() => {
                  setDialog({ kind: 'import' });
                }}
              >
                Import image
              </Button>
            </ToolbarItem>
          </ToolbarContent>
        </Toolbar>
        <Fault error={error ?? disks.error} />
        <Table
          label="Disks"
          rows={diskList}
          rowKey={(d) => d.id}
          rowId={(d) => domId('disk', d.name, '').slice(0, -1)}
          empty="No disks yet. Create one, upload an image file, or import one."
          columns={[
            { title: 'Name', field: 'name', cell: (d) => d.name },
            {
              title: 'Size',
              field: 'size',
              cell: (d) => (
                <Tooltip content="Virtual size the guest sees / bytes its volumes take on disk (snapshots included)">
                  <span tabIndex={0}>
                    {formatBytes(d.provisionedSize)} / {formatBytes(d.totalSize)}
                  </span>
                </Tooltip>
              ),
            },
            {
              title: 'Format',
              field: 'format',
              cell: (d) =>
                `${d.format === 'cow' ? 'qcow2' : 'raw'}${d.sparse ? ', thin' : ', preallocated'}`,
            },
            {
              title: 'Status',
              field: 'status',
              cell: (d) => (
                <Flex direction={{ default: 'column' }} spaceItems={{ default: 'spaceItemsXs' }}>
                  <FlexItem>
                    <StatusLabel status={d.status} />
                  </FlexItem>
                  {d.status === 'illegal' && d.statusDetail && (
                    <FlexItem>
                      <small>{d.statusDetail}</small>
                    </FlexItem>
                  )}
                </Flex>
              ),
            },
            { title: 'Attached to', field: 'owner', cell: owner },
            {
              title: 'Storage domain',
              field: 'domain',
              cell: (d) => domainName(d.storageDomainId),
            },
            {
              title: 'Actions',
              cell: (d) => (
                <>
                  <Button
                    size="sm"
                    variant="secondary"
                    id={domId('disk', d.name, 'extend')}
                    aria-label={`Extend ${d.name}`}
                    isDisabled={d.status !== 'ok' || d.templateId !== null}
                    onClick={() => {
                      setDialog({ kind: 'extend', disk: d });
                    }}
                  >
                    Extend
                  </Button>{' '}
                  <Button
                    size="sm"
                    variant="danger"
                    id={domId('disk', d.name, 'remove')}
                    aria-label={`Remove ${d.name}`}
                    isDisabled={d.status === 'locked' || d.templateId !== null}
                    onClick={() => {
                      remove(d);
                    }}
                  >
                    Remove
                  </Button>
                </>
              ),
            },
          ]}
        />
      </PageSection>
      {dialog?.kind === 'new' && (
        <NewDiskDialog
          domains={domainList}
          onClose={() => {
            setDialog(null);
          }}
        />
      )}
      {dialog?.kind === 'upload' && (
        <UploadImageDialog
          domains={domainList}
          onClose={() => {
            setDialog(null);
          }}
        />
      )}
      {dialog?.kind === 'import' && (
        <ImportImageDialog
          domains={domainList}
          onClose={() => {
            setDialog(null);
          }}
        />
      )}
      {dialog?.kind === 'extend' && (
        <ExtendDiskDialog
          disk={dialog.disk}
          onClose={() => {
            setDialog(null);
          }}
        />
      )}
    </>
  );
}
