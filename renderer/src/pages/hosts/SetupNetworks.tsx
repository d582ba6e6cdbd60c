// SPDX-License-Identifier: Apache-2.0
// Setup Host Networks: the host's NICs with the networks on them, a separate "NIC-less
// networks" area (seed: an attachment without a NIC is an isolated network), the cluster's
// unassigned networks, out-of-sync badges with Sync, host network labels, and live rates.
import {
  Button,
  Card,
  CardBody,
  CardTitle,
  Flex,
  FlexItem,
  FormSelect,
  FormSelectOption,
  Grid,
  GridItem,
  Label,
  LabelGroup,
  TextInput,
  Tooltip,
} from '@patternfly/react-core';
import { useState } from 'react';

import type { Host, HostNic } from '../../../../main/contract/hosts';
import type { NetworkAttachment } from '../../../../main/contract/network-attachments';
import type { OpInput } from '../../../../main/contract/operations';
import { effectiveMtu } from '../../../../main/contract/rules/network';
import { Fault } from '../../components/Fault';
import { domId } from '../../components/ids';
import { RateChart } from '../../components/RateChart';
import { useClient } from '../../context';
import { useQuery } from '../../hooks';

type SetupInput = OpInput<'HostSetupNetworks'>;

export function SetupNetworks({ host }: { host: Host }) {
  const client = useClient();
  const nics = useQuery('GetHostNicsByHostId', { hostId: host.id }, ['host_nic']);
  const attachments = useQuery('GetNetworkAttachmentsByHostId', { hostId: host.id }, [
    'network_attachment',
    'network',
  ]);
  const clusterNetworks = useQuery('GetNetworksByClusterId', { clusterId: host.clusterId }, [
    'network_cluster',
    'network',
  ]);
  const labels = useQuery('GetHostNetworkLabels', { hostId: host.id }, ['host_network_label']);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [newLabel, setNewLabel] = useState('');

  const run = (p: Promise<unknown>): void => {
    setBusy(true);
    setError(null);
    p.then(
      () => {
        setBusy(false);
        attachments.reload();
        labels.reload();
      },
      (e: unknown) => {
        setBusy(false);
        setError(e);
      },
    );
  };
  const setup = (patch: Omit<SetupInput, 'hostId'>): void => {
    // Save on success, as the Administration Portal's "Save network configuration" default.
    run(client.invoke('HostSetupNetworks', { hostId: host.id, commitOnSuccess: true, ...patch }));
  };

  const list = attachments.data ?? [];
  const nicless = list.filter((a) => a.hostNicId === null);
  const attachedIds = new Set(list.map((a) => a.networkId));
  const unassigned = (clusterNetworks.data ?? []).filter((n) => !attachedIds.has(n.id));
  const isolatedById = new Map((clusterNetworks.data ?? []).map((n) => [n.id, n.isolated]));
  const mtuById = new Map((clusterNetworks.data ?? []).map((n) => [n.id, n.mtu]));

  const attachmentChip = (a: NetworkAttachment) => {
    const out = a.reportedConfigurations.filter((c) => !c.inSync);
    const mtu = mtuById.get(a.networkId);
    return (
      <Card
        key={a.id}
        isCompact
        id={domId('attachment', a.networkName, 'card')}
        style={{ marginBottom: 8 }}
      >
        <CardBody>
          <Flex alignItems={{ default: 'alignItemsCenter' }}>
            <FlexItem>
              <strong>{a.networkName}</strong>{' '}
              {isolatedById.get(a.networkId) && (
                <Label color="purple" isCompact>
                  isolated
                </Label>
              )}{' '}
              {mtu !== undefined && (
                <Label isCompact id={domId('attachment', a.networkName, 'mtu')}>
                  MTU {effectiveMtu(mtu)}
                </Label>
              )}{' '}
              {a.inSync ? (
                <Label color="green" isCompact id={domId('attachment', a.networkName, 'sync')}>
                  in sync
                </Label>
              ) : (
                <Tooltip
                  content={out
                    .map((c) => `${c.name}: host ${c.actualValue}, expected ${c.expectedValue}`)
                    .join('; ')}
                >
                  <Label color="orange" isCompact id={domId('attachment', a.networkName, 'sync')}>
                    out of sync
                  </Label>
                </Tooltip>
              )}
            </FlexItem>
            <FlexItem>
              <RateChart
                id={domId('attachment', a.networkName, 'rates')}
                label={`Traffic on ${a.networkName}`}
                load={() => client.invoke('GetAttachmentStatistics', { hostId: host.id, id: a.id })}
              />
            </FlexItem>
            <FlexItem align={{ default: 'alignRight' }}>
              {!a.inSync && (
                <Button
                  size="sm"
                  variant="warning"
                  id={domId('attachment', a.networkName, 'sync-button')}
                  aria-label={`Sync network ${a.networkName}`}
                  isDisabled={busy}
                  onClick={() => {
                    setup({ synchronizedNetworkAttachments: [{ id: a.id }] });
                  }}
                >
                  Sync
                </Button>
              )}{' '}
              <Button
                size="sm"
                variant="secondary"
                id={domId('attachment', a.networkName, 'detach')}
                aria-label={`Detach network ${a.networkName} from host`}
                isDisabled={busy}
                onClick={() => {
                  setup({ removedNetworkAttachments: [{ id: a.id }] });
                }}
              >
                Detach
              </Button>
            </FlexItem>
          </Flex>
        </CardBody>
      </Card>
    );
  };

  const nicBox = (nic: HostNic) => (
    <div
      key={nic.id}
      className="aio-nic-box"
      id={domId('nic', nic.name, 'box')}
      style={{ marginBottom: 12 }}
    >
      <Flex>
        <FlexItem>
          <strong>{nic.name}</strong>{' '}
          <Label isCompact color={nic.status === 'up' ? 'green' : 'grey'}>
            {nic.status}
          </Label>
        </FlexItem>
        <FlexItem className="aio-mono">{nic.mac}</FlexItem>
        <FlexItem>MTU {nic.mtu}</FlexItem>
        <FlexItem>{nic.speedMbps ? `${nic.speedMbps} Mb/s` : ''}</FlexItem>
        <FlexItem>{nic.ipv4.join(', ')}</FlexItem>
      </Flex>
      <div style={{ marginTop: 8 }}>
        {list.filter((a) => a.hostNicId === nic.id).map(attachmentChip)}
      </div>
    </div>
  );

  return (
    <>
      <Fault
        error={error ?? attachments.error ?? nics.error}
        title="The host networks were not changed"
      />
      <Grid hasGutter>
        <GridItem md={8}>
          <Card>
            <CardTitle>Interfaces</CardTitle>
            <CardBody>
              {(nics.data ?? []).length === 0 && <p>This host reports no physical NICs.</p>}
              {(nics.data ?? []).map(nicBox)}
            </CardBody>
          </Card>
          <Card style={{ marginTop: 16 }} id="setup-networks-nicless">
            <CardTitle>NIC-less networks</CardTitle>
            <CardBody>
              <div className="aio-nicless-area" role="region" aria-label="NIC-less networks">
                {nicless.length === 0 && (
                  <p>No network is attached without a NIC. Isolated networks appear here.</p>
                )}
                {nicless.map(attachmentChip)}
              </div>
            </CardBody>
          </Card>
        </GridItem>
        <GridItem md={4}>
          <Card>
            <CardTitle>Unassigned logical networks</CardTitle>
            <CardBody>
              {unassigned.length === 0 && (
                <p>Every network of this host&apos;s cluster is attached.</p>
              )}
              {unassigned.map((n) => (
                <UnassignedNetwork
                  key={n.id}
                  name={n.name}
                  isolated={n.isolated}
                  nics={nics.data ?? []}
                  busy={busy}
                  onAttach={(nicName) => {
                    setup({
                      modifiedNetworkAttachments: [
                        {
                          network: { id: n.id },
                          ...(nicName ? { hostNic: { name: nicName } } : {}),
                        },
                      ],
                    });
                  }}
                />
              ))}
            </CardBody>
          </Card>
          <Card style={{ marginTop: 16 }}>
            <CardTitle>Host network labels</CardTitle>
            <CardBody>
              <p style={{ marginBottom: 8 }}>
                Networks with one of these labels are attached to this host without a NIC.
              </p>
              <LabelGroup categoryName="Labels" numLabels={20} id="host-labels">
                {(labels.data ?? [])
                  .filter((l) => l.nicId === null)
                  .map((l) => (
                    <Label
                      key={l.id}
                      id={domId('host-label', l.id, 'chip')}
                      onClose={() => {
                        run(
                          client.invoke('RemoveHostNetworkLabel', { hostId: host.id, label: l.id }),
                        );
                      }}
                      closeBtnAriaLabel={`Remove label ${l.id}`}
                    >
                      {l.id}
                    </Label>
                  ))}
              </LabelGroup>
              <Flex style={{ marginTop: 8 }}>
                <FlexItem>
                  <TextInput
                    id="host-label-new"
                    aria-label="New host network label"
                    value={newLabel}
                    onChange={(_e, v) => {
                      setNewLabel(v);
                    }}
                  />
                </FlexItem>
                <FlexItem>
                  <Button
                    variant="secondary"
                    id="host-label-add"
                    isDisabled={busy || newLabel.trim() === ''}
                    onClick={() => {
                      run(
                        client.invoke('AddHostNetworkLabel', {
                          hostId: host.id,
                          label: newLabel.trim(),
                        }),
                      );
                      setNewLabel('');
                    }}
                  >
                    Add label
                  </Button>
                </FlexItem>
              </Flex>
            </CardBody>
          </Card>
          <Button
            style={{ marginTop: 16 }}
            variant="secondary"
            id="host-commit-netconfig"
            isDisabled={busy}
            onClick={() => {
              run(client.invoke('CommitNetworkConfig', { hostId: host.id }));
            }}
          >
            Save network configuration
          </Button>
        </GridItem>
      </Grid>
    </>
  );
}

function UnassignedNetwork({
  name,
  isolated,
  nics,
  busy,
  onAttach,
}: {
  name: string;
  isolated: boolean;
  nics: readonly HostNic[];
  busy: boolean;
  onAttach: (nicName: string | null) => void;
}) {
  const [target, setTarget] = useState('');
  return (
    <div style={{ marginBottom: 12 }} id={domId('unassigned', name, 'item')}>
      <strong>{name}</strong>{' '}
      {isolated && (
        <Label color="purple" isCompact>
          isolated
        </Label>
      )}
      <Flex style={{ marginTop: 4 }}>
        {!isolated && (
          <FlexItem>
            <FormSelect
              id={domId('unassigned', name, 'nic')}
              aria-label={`NIC for ${name}`}
              value={target}
              onChange={(_e, v) => {
                setTarget(v);
              }}
            >
              <FormSelectOption value="" label="No NIC (NIC-less)" />
              {nics.map((n) => (
                <FormSelectOption key={n.id} value={n.name} label={n.name} />
              ))}
            </FormSelect>
          </FlexItem>
        )}
        <FlexItem>
          <Button
            size="sm"
            variant="primary"
            id={domId('unassigned', name, 'attach')}
            aria-label={`Attach network ${name} to host`}
            isDisabled={busy}
            onClick={() => {
              onAttach(isolated || target === '' ? null : target);
            }}
          >
            Attach
          </Button>
        </FlexItem>
      </Flex>
    </div>
  );
}
