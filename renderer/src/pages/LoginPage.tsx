// SPDX-License-Identifier: Apache-2.0
// Browser mode only: log in as admin@internal through oVirt's SSO password grant.
import {
  ActionGroup,
  Alert,
  Button,
  Form,
  FormGroup,
  LoginPage as PfLoginPage,
  TextInput,
} from '@patternfly/react-core';
import { useState } from 'react';

export function LoginPage({
  onLogin,
}: {
  onLogin: (user: string, password: string) => Promise<void>;
}) {
  const [user, setUser] = useState('admin@internal');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (): Promise<void> => {
    setBusy(true);
    setError(null);
    try {
      await onLogin(user, password);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
      setBusy(false);
    }
  };

  return (
    <PfLoginPage
      loginTitle="Log in to AIO Lab"
      loginSubtitle="Use the engine administrator, admin@internal."
      textContent="Private virtual labs on one machine: isolated networks, tiny VMs, in-app consoles."
    >
      <Form
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        {error && <Alert variant="danger" isInline title={error} />}
        <FormGroup label="Username" isRequired fieldId="login-username">
          <TextInput
            id="login-username"
            name="username"
            value={user}
            isRequired
            autoComplete="username"
            onChange={(_e, v) => {
              setUser(v);
            }}
          />
        </FormGroup>
        <FormGroup label="Password" isRequired fieldId="login-password">
          <TextInput
            id="login-password"
            name="password"
            type="password"
            value={password}
            isRequired
            autoComplete="current-password"
            onChange={(_e, v) => {
              setPassword(v);
            }}
          />
        </FormGroup>
        <ActionGroup>
          <Button type="submit" variant="primary" isBlock isLoading={busy} isDisabled={busy}>
            Log in
          </Button>
        </ActionGroup>
      </Form>
    </PfLoginPage>
  );
}
