// SPDX-License-Identifier: Apache-2.0
// The "Initial run" (cloud-init) fields shared by New VM, Edit initial run and Run once: host
// name, user, password and SSH key. A stored password is never shown (see initial-run.ts).
import {
  FormGroup,
  FormHelperText,
  FormSelect,
  FormSelectOption,
  HelperText,
  HelperTextItem,
  TextArea,
  TextInput,
} from '@patternfly/react-core';

import type { InitialRunErrors, InitialRunValues, NicAddressing } from './initial-run';

function Helper({ text, id }: { text: string | undefined; id: string }) {
  return text ? (
    <FormHelperText>
      <HelperText>
        <HelperTextItem variant="error" id={id}>
          {text}
        </HelperTextItem>
      </HelperText>
    </FormHelperText>
  ) : null;
}

export function InitialRunFields({
  idPrefix,
  values,
  errors,
  passwordStored,
  onChange,
}: {
  idPrefix: string;
  values: InitialRunValues;
  errors: InitialRunErrors;
  /** A password is stored: an empty field keeps it. */
  passwordStored: boolean;
  onChange: (patch: Partial<InitialRunValues>) => void;
}) {
  const field = (
    key: keyof InitialRunValues,
    label: string,
    placeholder: string,
    type: 'text' | 'password' = 'text',
  ) => (
    <FormGroup label={label} fieldId={`${idPrefix}-${key}`}>
      <TextInput
        id={`${idPrefix}-${key}`}
        type={type}
        autoComplete={type === 'password' ? 'new-password' : 'off'}
        value={values[key]}
        placeholder={placeholder}
        validated={errors[key] ? 'error' : 'default'}
        onChange={(_e, v) => {
          onChange({ [key]: v });
        }}
      />
      <Helper text={errors[key]} id={`${idPrefix}-${key}-error`} />
    </FormGroup>
  );
  return (
    <>
      {field('hostName', 'Host name', 'the VM name')}
      {field('userName', 'User name', 'root')}
      {field(
        'rootPassword',
        'Password',
        passwordStored ? 'stored (leave empty to keep it)' : 'none',
        'password',
      )}
      <FormGroup label="SSH public key" fieldId={`${idPrefix}-sshKeys`}>
        <TextArea
          id={`${idPrefix}-sshKeys`}
          value={values.sshKeys}
          rows={2}
          placeholder="ssh-ed25519 AAAA… you@host"
          validated={errors.sshKeys ? 'error' : 'default'}
          onChange={(_e, v) => {
            onChange({ sshKeys: v });
          }}
        />
        <Helper text={errors.sshKeys} id={`${idPrefix}-sshKeys-error`} />
      </FormGroup>
    </>
  );
}

/** Boot protocol of one guest NIC (oVirt `boot_protocol`): static address or DHCP. */
export function BootProtocolSelect({
  id,
  label,
  value,
  onChange,
}: {
  id: string;
  label: string;
  value: NicAddressing['bootProtocol'];
  onChange: (v: NicAddressing['bootProtocol']) => void;
}) {
  return (
    <FormSelect
      id={id}
      aria-label={label}
      value={value}
      onChange={(_e, v) => {
        onChange(v === 'dhcp' ? 'dhcp' : v === 'none' ? 'none' : 'static');
      }}
    >
      <FormSelectOption value="static" label="Static" />
      <FormSelectOption value="dhcp" label="DHCP" />
      <FormSelectOption value="none" label="None" />
    </FormSelect>
  );
}
