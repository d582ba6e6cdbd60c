// SPDX-License-Identifier: Apache-2.0
// Issue 17: add a remote host (oVirt's New Host: name and address). The engine answers a
// one-time enrollment token; it is shown here once, with the command to run on the host.
import { Button, ClipboardCopy, Form, FormGroup, TextInput, Title } from '@patternfly/react-core';
import { useState } from 'react';

import type { HostEnrollment } from '../../../../main/contract/host-lifecycle';
import { Fault } from '../../components/Fault';
import { useClient } from '../../context';

export function AddHost({ onAdded }: { onAdded: () => void }) {
  const client = useClient();
  const [name, setName] = useState('');
  const [address, setAddress] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [enrollment, setEnrollment] = useState<HostEnrollment | null>(null);
  const add = (): void => {
    setError(null);
    client.invoke('AddHost', { name, address }).then(
      (e) => {
        setEnrollment(e);
        setName('');
        setAddress('');
        onAdded();
      },
      (e: unknown) => {
        setError(e);
      },
    );
  };
  return (
    <>
      <Form
        isHorizontal={false}
        onSubmit={(ev) => {
          ev.preventDefault();
          add();
        }}
        aria-label="New host"
      >
        <Title headingLevel="h2">New host</Title>
        <Fault error={error} />
        <FormGroup label="Name" fieldId="new-host-name" isRequired>
          <TextInput
            id="new-host-name"
            value={name}
            onChange={(_e, v) => {
              setName(v);
            }}
          />
        </FormGroup>
        <FormGroup label="Address" fieldId="new-host-address" isRequired>
          <TextInput
            id="new-host-address"
            value={address}
            onChange={(_e, v) => {
              setAddress(v);
            }}
          />
        </FormGroup>
        <Button id="new-host-add" type="submit" variant="primary">
          Add host
        </Button>
      </Form>
      {enrollment && (
        <div id="new-host-enrollment" style={{ marginTop: '1em' }}>
          <p>
            Run this on <strong>{enrollment.host.name}</strong> (the token works once, until{' '}
            {enrollment.expiresAt}; it is not shown again):
          </p>
          <ClipboardCopy isReadOnly isCode hoverTip="Copy" clickTip="Copied">
            {enrollment.command}
          </ClipboardCopy>
        </div>
      )}
    </>
  );
}
