// SPDX-License-Identifier: Apache-2.0
// Hosts: the list with status and Activate / Maintenance (oVirt's Compute → Hosts), and per
// host the Setup Networks view.
import { Breadcrumb, BreadcrumbItem, Button, PageSection, Title } from '@patternfly/react-core';
import { useState } from 'react';

import { Fault } from '../../components/Fault';
import { domId } from '../../components/ids';
import { StatusLabel } from '../../components/Status';
import { Table } from '../../components/Table';
import { useClient } from '../../context';
import { useQuery } from '../../hooks';
import { href, type Route } from '../../router';
import { AddHost } from './AddHost';
import { SetupNetworks } from './SetupNetworks';

function gib(bytes: number): string {
  return `${(bytes / 1024 ** 3).toFixed(1)} GiB`;
}

export function HostsPage({ route }: { route: Route }) {
  const client = useClient();
  const hosts = useQuery('GetAllHosts', {}, ['host']);
  const [error, setError] = useState<unknown>(null);
  const host = route.id ? hosts.data?.find((h) => h.id === route.id) : undefined;

  if (route.id) {
    return (
      <>
        <PageSection>
          <Breadcrumb>
            <BreadcrumbItem to={href({ section: 'hosts' })}>Hosts</BreadcrumbItem>
            <BreadcrumbItem isActive>{host?.name ?? route.id}</BreadcrumbItem>
          </Breadcrumb>
          <Title headingLevel="h1">Setup Host Networks{host ? ` — ${host.name}` : ''}</Title>
        </PageSection>
        <PageSection>
          <Fault error={hosts.error} />
          {host && <SetupNetworks host={host} />}
        </PageSection>
      </>
    );
  }

  const act = (p: Promise<unknown>): void => {
    setError(null);
    p.then(
      () => {
        hosts.reload();
      },
      (e: unknown) => {
        setError(e);
      },
    );
  };
  return (
    <>
      <PageSection>
        <Title headingLevel="h1">Hosts</Title>
      </PageSection>
      <PageSection>
        <Fault error={error ?? hosts.error} />
        <Table
          label="Hosts"
          rows={hosts.data ?? []}
          rowKey={(h) => h.id}
          rowId={(h) => domId('host', h.name, '').slice(0, -1)}
          columns={[
            { title: 'Name', field: 'name', cell: (h) => <strong>{h.name}</strong> },
            { title: 'Address', field: 'address', cell: (h) => h.address },
            {
              title: 'Status',
              field: 'status',
              cell: (h) => (
                <>
                  <StatusLabel status={h.status} />
                  {h.statusDetail && <div style={{ fontSize: '0.85em' }}>{h.statusDetail}</div>}
                </>
              ),
            },
            { title: 'CPU', field: 'cpu', cell: (h) => `${h.cpus} × ${h.cpuModel}` },
            { title: 'Memory', field: 'memory', cell: (h) => gib(h.memoryBytes) },
            {
              title: 'Virtualization',
              field: 'accel',
              cell: (h) => (h.accelerator === 'kvm' ? 'KVM' : 'TCG (software emulation)'),
            },
            { title: 'OS', field: 'os', cell: (h) => `${h.osName}, libvirt ${h.libvirtVersion}` },
            {
              title: 'Actions',
              cell: (h) => (
                <>
                  <Button
                    size="sm"
                    variant="secondary"
                    id={domId('host', h.name, 'setup-networks')}
                    component="a"
                    href={href({ section: 'hosts', id: h.id, tab: 'networks' })}
                    aria-label={`Setup networks of host ${h.name}`}
                  >
                    Setup Host Networks
                  </Button>{' '}
                  <Button
                    size="sm"
                    variant="secondary"
                    id={domId('host', h.name, 'activate')}
                    isDisabled={h.status === 'up'}
                    aria-label={`Activate host ${h.name}`}
                    onClick={() => {
                      act(client.invoke('ActivateHost', { hostId: h.id }));
                    }}
                  >
                    Activate
                  </Button>{' '}
                  <Button
                    size="sm"
                    variant="secondary"
                    id={domId('host', h.name, 'maintenance')}
                    isDisabled={h.status === 'maintenance'}
                    aria-label={`Put host ${h.name} into maintenance`}
                    onClick={() => {
                      act(client.invoke('DeactivateHost', { hostId: h.id }));
                    }}
                  >
                    Maintenance
                  </Button>
                  {/* Issue 17: remote hosts can be removed (in maintenance, or never enrolled). */}
                  {['maintenance', 'installing', 'non_responsive'].includes(h.status) && (
                    <>
                      {' '}
                      <Button
                        size="sm"
                        variant="danger"
                        id={domId('host', h.name, 'remove')}
                        aria-label={`Remove host ${h.name}`}
                        onClick={() => {
                          act(client.invoke('RemoveHost', { hostId: h.id }));
                        }}
                      >
                        Remove
                      </Button>
                    </>
                  )}
                </>
              ),
            },
          ]}
        />
      </PageSection>
      <PageSection>
        <AddHost onAdded={hosts.reload} />
      </PageSection>
    </>
  );
}
