// SPDX-License-Identifier: Apache-2.0
// Issue 12: the "DHCP and DNS on the segment" section of the New/Edit network dialog. Off by
// default; the service runs in its own namespace on the segment, never on the host.
import {
  Checkbox,
  FormGroup,
  FormHelperText,
  FormSection,
  HelperText,
  HelperTextItem,
  TextInput,
} from '@patternfly/react-core';

import type { AddressPlanFormErrors, AddressPlanFormValues } from './address-plan-form';

const id = (field: string): string => `network-dialog-plan-${field}`;

export function AddressPlanFields({
  values,
  errors,
  isolated,
  onChange,
}: {
  values: AddressPlanFormValues;
  errors: AddressPlanFormErrors;
  isolated: boolean;
  onChange: (patch: Partial<AddressPlanFormValues>) => void;
}) {
  const error = (field: keyof AddressPlanFormValues) =>
    errors[field] ? (
      <FormHelperText>
        <HelperText>
          <HelperTextItem variant="error" id={id(`${field}-error`)}>
            {errors[field]}
          </HelperTextItem>
        </HelperText>
      </FormHelperText>
    ) : null;
  const text = (
    field: Exclude<keyof AddressPlanFormValues, 'enabled'>,
    label: string,
    placeholder: string,
    help?: string,
  ) => (
    <FormGroup label={label} fieldId={id(field)} isRequired={field === 'cidr'}>
      <TextInput
        id={id(field)}
        value={values[field]}
        placeholder={placeholder}
        validated={errors[field] ? 'error' : 'default'}
        onChange={(_e, v) => {
          onChange({ [field]: v });
        }}
      />
      {error(field) ??
        (help ? (
          <FormHelperText>
            <HelperText>
              <HelperTextItem>{help}</HelperTextItem>
            </HelperText>
          </FormHelperText>
        ) : null)}
    </FormGroup>
  );
  return (
    <FormSection title="DHCP and DNS">
      <FormGroup fieldId={id('enabled')} role="group" label="Address plan">
        <Checkbox
          id={id('enabled')}
          label="Serve DHCP and DNS on this network"
          description={
            isolated
              ? 'Every VM NIC on the network gets its address (the static one cloud-init asks for, or one from this plan) and VMs find each other as <vm-name>.<domain>. The service has its own address on the segment; the host stays off it.'
              : 'Available on isolated networks only.'
          }
          isChecked={values.enabled}
          isDisabled={!isolated && !values.enabled}
          onChange={(_e, checked) => {
            onChange({ enabled: checked });
          }}
        />
        {error('enabled')}
      </FormGroup>
      {values.enabled && (
        <>
          {text('cidr', 'Subnet (CIDR)', '10.0.0.0/24')}
          {text(
            'rangeStart',
            'DHCP range start',
            '10.0.0.100',
            'Leave both ends empty for static leases only.',
          )}
          {text('rangeEnd', 'DHCP range end', '10.0.0.199')}
          {text('dnsDomain', 'DNS domain', 'lab.internal')}
          {text(
            'gateway',
            'Gateway',
            'none',
            'Handed out as the router; an isolated segment usually has none.',
          )}
          {text('dnsServers', 'More DNS servers', '', 'Handed out after the segment resolver.')}
          {text('serviceAddress', 'Service address', 'highest free address')}
        </>
      )}
    </FormSection>
  );
}
