// SPDX-License-Identifier: Apache-2.0
// Clusters: each cluster with its logical networks ("Manage Networks" in oVirt), where a
// network is attached or detached and marked required. Isolated networks are always
// required (seed "NIC-less Network"), so their checkbox is shown on and locked.
import {
  Card,
  CardBody,
  CardTitle,
  Checkbox,
  Label,
  PageSection,
  Switch,
  Title,
} from '@patternfly/react-core';
import { LockIcon } from '@patternfly/react-icons';
import { useState } from 'react';

import type { Cluster } from '../../../../main/contract/clusters';
import type { Network } from '../../../../main/contract/networks';
import { Fault } from '../../components/Fault';
import { domId } from '../../components/ids';
import { StatusLabel } from '../../components/Status';
import { Table } from '../../components/Table';
import { useClient } from '../../context';
import { useClusterNetworks, useQuery } from '../../hooks';

export function ClustersPage() {
  const clusters = useQuery('GetAllClusters', {}, ['cluster']);
  const networks = useQuery('GetAllNetworks', {}, ['network']);
  const list = clusters.data ?? [];
  const byCluster = useClusterNetworks(list.map((c) => c.id));
  return (
    <>
      <PageSection>
        <Title headingLevel="h1">Clusters</Title>
      </PageSection>
      <PageSection>
        <Fault error={clusters.error ?? networks.error} />
        {list.map((c) => (
          <ClusterCard
            key={c.id}
            cluster={c}
            networks={(networks.data ?? []).filter((n) => n.dataCenterId === c.dataCenterId)}
            attached={byCluster[c.id] ?? []}
          />
        ))}
      </PageSection>
    </>
  );
}

function ClusterCard({
  cluster,
  networks,
  attached,
}: {
  cluster: Cluster;
  networks: readonly Network[];
  attached: readonly { id: string; cluster: { required: boolean; status: string } }[];
}) {
  const client = useClient();
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const run = (key: string, p: Promise<unknown>): void => {
    setBusy(key);
    setError(null);
    p.then(
      () => {
        setBusy(null);
      },
      (e: unknown) => {
        setError(e);
        setBusy(null);
      },
    );
  };
  const rows = [...networks].sort((a, b) => a.name.localeCompare(b.name));
  return (
    <Card id={`cluster-${cluster.name}`} style={{ marginBottom: 16 }}>
      <CardTitle>
        Cluster {cluster.name}{' '}
        <Label isCompact>
          {cluster.cpuArchitecture}, compatibility {cluster.version.major}.{cluster.version.minor}
        </Label>
      </CardTitle>
      <CardBody>
        <Fault error={error} />
        <Table
          label={`Networks of cluster ${cluster.name}`}
          rows={rows}
          rowKey={(n) => n.id}
          rowId={(n) => domId('cluster', `${cluster.name}-${n.name}`, '').slice(0, -1)}
          columns={[
            {
              title: 'Network',
              cell: (n) => (
                <>
                  {n.name}{' '}
                  {n.isolated && (
                    <Label color="purple" isCompact>
                      isolated
                    </Label>
                  )}
                </>
              ),
            },
            {
              title: 'Attached',
              field: 'attached',
              cell: (n) => {
                const on = attached.some((a) => a.id === n.id);
                return (
                  <Switch
                    id={domId('cluster', `${cluster.name}-${n.name}`, 'attach')}
                    aria-label={`Attach ${n.name} to cluster ${cluster.name}`}
                    isChecked={on}
                    isDisabled={busy !== null}
                    onChange={(_e, checked) => {
                      run(
                        n.id,
                        checked
                          ? client.invoke('AttachNetworkToCluster', {
                              cluster: { id: cluster.id },
                              network: { id: n.id },
                              required: true,
                            })
                          : client.invoke('DetachNetworkFromCluster', {
                              clusterId: cluster.id,
                              networkId: n.id,
                            }),
                      );
                    }}
                  />
                );
              },
            },
            {
              title: 'Required',
              field: 'required',
              cell: (n) => {
                const a = attached.find((x) => x.id === n.id);
                if (!a) return '—';
                return (
                  <>
                    <Checkbox
                      id={domId('cluster', `${cluster.name}-${n.name}`, 'required-box')}
                      aria-label={`${n.name} required in cluster ${cluster.name}`}
                      isChecked={n.isolated || a.cluster.required}
                      isDisabled={n.isolated || busy !== null}
                      onChange={(_e, checked) => {
                        run(
                          n.id,
                          client.invoke('UpdateNetworkOnCluster', {
                            clusterId: cluster.id,
                            networkId: n.id,
                            required: checked,
                          }),
                        );
                      }}
                    />
                    {n.isolated && (
                      <span title="Isolated networks are always required">
                        {' '}
                        <LockIcon aria-label="locked: isolated networks are always required" />
                      </span>
                    )}
                  </>
                );
              },
            },
            {
              title: 'Status',
              field: 'status',
              cell: (n) => {
                const a = attached.find((x) => x.id === n.id);
                return a ? <StatusLabel status={a.cluster.status} /> : '—';
              },
            },
          ]}
        />
      </CardBody>
    </Card>
  );
}
