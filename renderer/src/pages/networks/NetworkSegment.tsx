// SPDX-License-Identifier: Apache-2.0
// Issue 12: the DHCP/DNS cell of a network row (subnet and domain) and, on demand, its
// service read back from the host with every lease (planned and held).
import { Button, Label, Modal, ModalBody, ModalHeader } from '@patternfly/react-core';
import { useState } from 'react';

import type { Network } from '../../../../main/contract/networks';
import { Fault } from '../../components/Fault';
import { domId } from '../../components/ids';
import { Table } from '../../components/Table';
import { useQuery } from '../../hooks';

function SegmentLeases({ network, onClose }: { network: Network; onClose: () => void }) {
  // Leases change with guests, which send no event: poll while the window is open.
  const seg = useQuery('GetNetworkSegment', { id: network.id }, ['network', 'vm', 'vm_nic'], 5000);
  const s = seg.data;
  return (
    <Modal isOpen variant="medium" onClose={onClose} aria-labelledby="network-segment-title">
      <ModalHeader title={`DHCP and DNS of ${network.name}`} labelId="network-segment-title" />
      <ModalBody>
        <Fault error={seg.error} />
        {s && (
          <>
            <p id={domId('network', network.name, 'segment-status')}>
              {s.running ? (
                <Label color="green">running</Label>
              ) : (
                <Label color="red">not running</Label>
              )}{' '}
              Service address <span className="aio-mono">{s.serviceAddress ?? '—'}</span>
              {network.addressPlan?.dnsDomain ? (
                <>
                  {' '}
                  · names{' '}
                  <span className="aio-mono">&lt;vm-name&gt;.{network.addressPlan.dnsDomain}</span>
                </>
              ) : null}
            </p>
            {s.problems.length > 0 && (
              <ul id={domId('network', network.name, 'segment-problems')}>
                {s.problems.map((p) => (
                  <li key={p}>{p}</li>
                ))}
              </ul>
            )}
            <Table
              label={`Leases of ${network.name}`}
              rows={[...s.leases]}
              rowKey={(l) => l.mac}
              rowId={(l) => domId('network', network.name, `lease-${l.mac.replace(/:/g, '')}`)}
              empty="No VM NIC on this network yet."
              columns={[
                { title: 'VM', field: 'vm', cell: (l) => l.vmName ?? '—' },
                { title: 'NIC', field: 'nic', cell: (l) => l.nicName ?? '—' },
                {
                  title: 'MAC',
                  field: 'mac',
                  cell: (l) => <span className="aio-mono">{l.mac}</span>,
                },
                {
                  title: 'Address',
                  field: 'ip',
                  cell: (l) => <span className="aio-mono">{l.ip}</span>,
                },
                { title: 'From', field: 'source', cell: (l) => l.source },
                {
                  title: 'Held by the guest',
                  field: 'leased',
                  cell: (l) => (l.leased ? 'Yes' : 'No'),
                },
              ]}
            />
          </>
        )}
      </ModalBody>
    </Modal>
  );
}

/** The network row's DHCP/DNS cell: "off", or the subnet and a Leases button. */
export function NetworkSegmentCell({ network }: { network: Network }) {
  const [open, setOpen] = useState(false);
  const plan = network.addressPlan;
  // The table cell itself carries the id `network-<name>-dhcp`.
  if (!plan) return <span>off</span>;
  return (
    <span style={{ whiteSpace: 'nowrap' }}>
      <span className="aio-mono">{plan.subnet.cidr}</span>
      {plan.dnsDomain ? ` · ${plan.dnsDomain}` : ''}{' '}
      <Button
        variant="link"
        isInline
        id={domId('network', network.name, 'leases')}
        aria-label={`Leases of network ${network.name}`}
        onClick={() => {
          setOpen(true);
        }}
      >
        Leases
      </Button>
      {open && (
        <SegmentLeases
          network={network}
          onClose={() => {
            setOpen(false);
          }}
        />
      )}
    </span>
  );
}
