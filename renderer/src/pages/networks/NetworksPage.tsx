// SPDX-License-Identifier: Apache-2.0
// Networks: the data-center networks list (oVirt's Network → Networks tab) with the seed's
// "isolated" badge, and the New / Edit / Remove actions.
import {
  Button,
  Label,
  Modal,
  ModalBody,
  ModalFooter,
  ModalHeader,
  PageSection,
  Title,
  Toolbar,
  ToolbarContent,
  ToolbarItem,
} from '@patternfly/react-core';
import { useState } from 'react';

import { DEFAULT_MTU, type Network } from '../../../../main/contract/networks';
import { Fault } from '../../components/Fault';
import { domId } from '../../components/ids';
import { Table } from '../../components/Table';
import { useClient } from '../../context';
import { useClusterNetworks, useQuery } from '../../hooks';
import { IsolationTestDialog } from './IsolationTestDialog';
import { NetworkDialog } from './NetworkDialog';
import { NetworkSegmentCell } from './NetworkSegment';

export function NetworksPage() {
  const client = useClient();
  const networks = useQuery('GetAllNetworks', {}, ['network', 'network_label']);
  const dataCenters = useQuery('GetAllDataCenters', {}, ['data_center']);
  const clusters = useQuery('GetAllClusters', {}, ['cluster']);
  const clusterList = clusters.data ?? [];
  const [version, setVersion] = useState(0);
  const byCluster = useClusterNetworks(
    clusterList.map((c) => c.id),
    version,
  );
  const [editing, setEditing] = useState<Network | 'new' | null>(null);
  const [removing, setRemoving] = useState<Network | null>(null);
  const [removeError, setRemoveError] = useState<unknown>(null);
  const [testing, setTesting] = useState<Network | null>(null);

  const clustersOf = (n: Network): string[] =>
    clusterList.filter((c) => byCluster[c.id]?.some((cn) => cn.id === n.id)).map((c) => c.id);
  const dcName = (id: string): string => dataCenters.data?.find((d) => d.id === id)?.name ?? id;
  const rows = [...(networks.data ?? [])].sort((a, b) => a.name.localeCompare(b.name));

  return (
    <>
      <PageSection>
        <Title headingLevel="h1">Networks</Title>
      </PageSection>
      <PageSection>
        <Toolbar>
          <ToolbarContent>
            <ToolbarItem>
              <Button
                id="network-new"
                variant="primary"
                isDisabled={!dataCenters.data}
                onClick={() => {
                  setEditing('new');
                }}
              >
                New network
              </Button>
            </ToolbarItem>
          </ToolbarContent>
        </Toolbar>
        <Fault error={networks.error} />
        <Table
          label="Networks"
          rows={rows}
          rowKey={(n) => n.id}
          rowId={(n) => domId('network', n.name, '').slice(0, -1)}
          empty="No networks yet. Create one with New network."
          columns={[
            {
              title: 'Name',
              field: 'name',
              cell: (n) => (
                <>
                  <strong>{n.name}</strong>{' '}
                  {n.isolated && (
                    <Label color="purple" isCompact id={domId('network', n.name, 'isolated')}>
                      isolated
                    </Label>
                  )}
                </>
              ),
            },
            { title: 'Data Center', field: 'datacenter', cell: (n) => dcName(n.dataCenterId) },
            { title: 'Description', field: 'description', cell: (n) => n.description },
            { title: 'VM network', field: 'vm', cell: (n) => (n.vmNetwork ? 'Yes' : 'No') },
            {
              title: 'MTU',
              field: 'mtu',
              cell: (n) => (n.mtu === 0 ? `Default (${DEFAULT_MTU})` : String(n.mtu)),
            },
            {
              title: 'VLAN',
              field: 'vlan',
              cell: (n) => (n.vlanId === null ? '—' : String(n.vlanId)),
            },
            { title: 'Label', field: 'label', cell: (n) => n.label ?? '—' },
            { title: 'DHCP/DNS', field: 'dhcp', cell: (n) => <NetworkSegmentCell network={n} /> },
            {
              title: 'Clusters',
              field: 'clusters',
              cell: (n) =>
                clusterList
                  .filter((c) => clustersOf(n).includes(c.id))
                  .map((c) => c.name)
                  .join(', ') || '—',
            },
            {
              title: 'Host bridge',
              field: 'bridge',
              cell: (n) => <span className="aio-mono">{n.vdsmName}</span>,
            },
            {
              title: 'Actions',
              cell: (n) => (
                <span style={{ whiteSpace: 'nowrap' }}>
                  <Button
                    variant="secondary"
                    size="sm"
                    id={domId('network', n.name, 'edit')}
                    aria-label={`Edit network ${n.name}`}
                    onClick={() => {
                      setEditing(n);
                    }}
                  >
                    Edit
                  </Button>{' '}
                  {n.isolated && (
                    <>
                      <Button
                        variant="secondary"
                        size="sm"
                        id={domId('network', n.name, 'isolation-test')}
                        aria-label={`Isolation test of network ${n.name}`}
                        onClick={() => {
                          setTesting(n);
                        }}
                      >
                        Isolation test
                      </Button>{' '}
                    </>
                  )}
                  <Button
                    variant="danger"
                    size="sm"
                    id={domId('network', n.name, 'remove')}
                    aria-label={`Remove network ${n.name}`}
                    onClick={() => {
                      setRemoveError(null);
                      setRemoving(n);
                    }}
                  >
                    Remove
                  </Button>
                </span>
              ),
            },
          ]}
        />
      </PageSection>
      {editing && dataCenters.data && (
        <NetworkDialog
          network={editing === 'new' ? null : editing}
          dataCenters={dataCenters.data}
          clusters={clusterList}
          attachedClusterIds={editing === 'new' ? [] : clustersOf(editing)}
          onClose={() => {
            setEditing(null);
          }}
          onSaved={() => {
            setEditing(null);
            networks.reload();
            setVersion((v) => v + 1);
          }}
        />
      )}
      {testing && (
        <IsolationTestDialog
          network={testing}
          onClose={() => {
            setTesting(null);
          }}
        />
      )}
      {removing && (
        <Modal
          isOpen
          variant="small"
          onClose={() => {
            setRemoving(null);
          }}
          aria-labelledby="network-remove-title"
        >
          <ModalHeader
            title="Remove Logical Network"
            labelId="network-remove-title"
            titleIconVariant="warning"
          />
          <ModalBody>
            <Fault error={removeError} />
            Remove the network <strong>{removing.name}</strong>? Its bridge is removed from every
            host.
          </ModalBody>
          <ModalFooter>
            <Button
              variant="danger"
              id="network-remove-ok"
              onClick={() => {
                client.invoke('RemoveNetwork', { id: removing.id }).then(
                  () => {
                    setRemoving(null);
                    networks.reload();
                  },
                  (e: unknown) => {
                    setRemoveError(e);
                  },
                );
              }}
            >
              Remove
            </Button>
            <Button
              variant="link"
              onClick={() => {
                setRemoving(null);
              }}
            >
              Cancel
            </Button>
          </ModalFooter>
        </Modal>
      )}
    </>
  );
}
