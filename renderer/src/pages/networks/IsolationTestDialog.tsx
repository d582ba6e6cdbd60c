// SPDX-License-Identifier: Apache-2.0
// The isolation self-test of an isolated network (issue 13 item 7): a button that runs it on
// the host (two probes on the segment, removed afterwards) and the list of what each check
// found: the host answers nothing over IPv4/IPv6 (B1), full-MTU frames pass (B2).
import {
  Button,
  Label,
  Modal,
  ModalBody,
  ModalFooter,
  ModalHeader,
  Spinner,
} from '@patternfly/react-core';
import { useState } from 'react';

import type { NetworkIsolationTest } from '../../../../main/contract/isolation-test';
import type { Network } from '../../../../main/contract/networks';
import { Fault } from '../../components/Fault';
import { domId } from '../../components/ids';
import { useClient } from '../../context';

/** What each check proves, in the user's words. */
const CHECK_TITLES: Record<string, string> = {
  'segment-ipv4': 'Probes reach each other over IPv4',
  'segment-ipv6': 'Probes reach each other over IPv6',
  'host-ipv4': 'Host silent over IPv4 (ARP, ping)',
  'host-ipv6-all-nodes': 'Host silent to all-nodes ff02::1',
  'host-ipv6': 'Host silent over IPv6 (link-local included)',
  mtu: 'Full-MTU frames pass unfragmented',
};

export function IsolationTestDialog({
  network,
  onClose,
}: {
  network: Network;
  onClose: () => void;
}) {
  const client = useClient();
  const [running, setRunning] = useState(false);
  const [result, setResult] = useState<NetworkIsolationTest | null>(null);
  const [error, setError] = useState<unknown>(null);
  const id = (field: string): string => domId('network', network.name, field);

  const run = (): void => {
    setRunning(true);
    setError(null);
    client.invoke('TestNetworkIsolation', { id: network.id }).then(
      (r) => {
        setResult(r);
        setRunning(false);
      },
      (e: unknown) => {
        setError(e);
        setRunning(false);
      },
    );
  };

  return (
    <Modal isOpen variant="medium" onClose={onClose} aria-labelledby="isolation-test-title">
      <ModalHeader
        title={`Isolation test — ${network.name}`}
        labelId="isolation-test-title"
        description="Two probes join the network's segment and check, from there, that the host answers nothing over IPv4 or IPv6 and that frames of the full MTU pass. They are removed afterwards."
      />
      <ModalBody>
        <Fault error={error} />
        {running && (
          <p>
            <Spinner size="md" aria-hidden /> Testing (about 10 s)…
          </p>
        )}
        {result && !running && (
          <>
            <p id={id('isolation-result')}>
              <Label color={result.passed ? 'green' : 'red'}>
                {result.passed ? 'Passed' : 'Failed'}
              </Label>{' '}
              on host {result.hostName}, MTU {result.mtu},{' '}
              {new Date(result.finishedAt).toLocaleString()}
            </p>
            <ul aria-label="Isolation test checks" id={id('isolation-checks')}>
              {result.checks.map((c) => (
                <li key={c.name} id={id(`check-${c.name}`)}>
                  <Label color={c.passed ? 'green' : 'red'} isCompact>
                    {c.passed ? 'pass' : 'FAIL'}
                  </Label>{' '}
                  <strong>{CHECK_TITLES[c.name] ?? c.name}</strong>: {c.detail}
                </li>
              ))}
            </ul>
          </>
        )}
      </ModalBody>
      <ModalFooter>
        <Button variant="primary" id={id('isolation-run')} isDisabled={running} onClick={run}>
          {result ? 'Run again' : 'Run isolation test'}
        </Button>
        <Button variant="link" onClick={onClose}>
          Close
        </Button>
      </ModalFooter>
    </Modal>
  );
}
