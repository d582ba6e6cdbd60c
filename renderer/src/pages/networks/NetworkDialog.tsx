// SPDX-License-Identifier: Apache-2.0
// New / Edit Logical Network, laid out like oVirt's dialog (General + Cluster sections),
// plus the seed's "Isolated (NIC-less)" switch.
import {
  Button,
  Checkbox,
  Form,
  FormGroup,
  FormHelperText,
  FormSection,
  FormSelect,
  FormSelectOption,
  HelperText,
  HelperTextItem,
  Modal,
  ModalBody,
  ModalFooter,
  ModalHeader,
  Radio,
  TextInput,
} from '@patternfly/react-core';
import { useState } from 'react';

import type { Cluster } from '../../../../main/contract/clusters';
import type { DataCenter } from '../../../../main/contract/data-centers';
import { DEFAULT_MTU, type Network } from '../../../../main/contract/networks';
import { Fault } from '../../components/Fault';
import { useClient } from '../../context';
import {
  type AddressPlanFormValues,
  addressPlanToForm,
  formToAddressPlan,
  validateAddressPlanForm,
} from './address-plan-form';
import { AddressPlanFields } from './AddressPlanFields';
import { faultToFieldErrors } from './network-faults';
import {
  emptyNetworkForm,
  formMtu,
  type NetworkFormErrors,
  type NetworkFormValues,
  networkToForm,
  normalizeNetworkForm,
  validateNetworkForm,
} from './network-form';

interface ClusterChoice {
  attach: boolean;
  required: boolean;
}

export function NetworkDialog({
  network,
  dataCenters,
  clusters,
  attachedClusterIds,
  onClose,
  onSaved,
}: {
  /** Null for "New". */
  network: Network | null;
  dataCenters: readonly DataCenter[];
  clusters: readonly Cluster[];
  attachedClusterIds: readonly string[];
  onClose: () => void;
  onSaved: (n: Network) => void;
}) {
  const client = useClient();
  const [values, setValues] = useState<NetworkFormValues>(() =>
    network ? networkToForm(network) : emptyNetworkForm(dataCenters[0]?.id ?? ''),
  );
  const [touched, setTouched] = useState(false);
  const [serverFields, setServerFields] = useState<NetworkFormErrors>({});
  const [fault, setFault] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  // Issue 12: the optional address plan (DHCP/DNS on the segment).
  const [plan, setPlan] = useState<AddressPlanFormValues>(() =>
    addressPlanToForm(network?.addressPlan),
  );
  const planErrors = touched
    ? validateAddressPlanForm(plan, { name: values.name.trim(), isolated: values.isolated })
    : {};
  const [choices, setChoices] = useState<Record<string, ClusterChoice>>(() =>
    Object.fromEntries(
      clusters.map((c) => [
        c.id,
        { attach: network ? attachedClusterIds.includes(c.id) : true, required: true },
      ]),
    ),
  );

  const errors: NetworkFormErrors = {
    ...(touched ? validateNetworkForm(values) : {}),
    ...serverFields,
  };
  const set = (patch: Partial<NetworkFormValues>): void => {
    setValues((v) => normalizeNetworkForm({ ...v, ...patch }));
    // A server error on a field goes away as soon as that field changes.
    const changed = new Set<string>(Object.keys(patch));
    if ('mtuMode' in patch) changed.add('mtu');
    setServerFields((f) => Object.fromEntries(Object.entries(f).filter(([k]) => !changed.has(k))));
  };
  const id = (field: string): string => `network-dialog-${field}`;
  const fieldError = (field: keyof NetworkFormValues) =>
    errors[field] ? (
      <FormHelperText>
        <HelperText>
          <HelperTextItem variant="error" id={id(`${field}-error`)}>
            {errors[field]}
          </HelperTextItem>
        </HelperText>
      </FormHelperText>
    ) : null;
  const validated = (field: keyof NetworkFormValues) => (errors[field] ? 'error' : 'default');

  const save = async (): Promise<void> => {
    setTouched(true);
    setFault(null);
    if (Object.keys(validateNetworkForm(values)).length > 0) return;
    if (
      Object.keys(
        validateAddressPlanForm(plan, { name: values.name.trim(), isolated: values.isolated }),
      ).length > 0
    )
      return;
    setBusy(true);
    try {
      const common = {
        name: values.name.trim(),
        description: values.description,
        mtu: formMtu(values),
        vmNetwork: values.vmNetwork,
        isolated: values.isolated,
        vlanId: values.vlanEnabled && !values.isolated ? Number(values.vlanId) : null,
        // Sent when on, or to turn a stored plan off; omitted otherwise (off by default).
        ...(plan.enabled || network?.addressPlan ? { addressPlan: formToAddressPlan(plan) } : {}),
      };
      let saved: Network;
      if (network) {
        saved = await client.invoke('UpdateNetwork', { id: network.id, ...common });
        const label = values.label.trim();
        if ((network.label ?? '') !== label) {
          if (network.label) {
            await client.invoke('UnlabelNetwork', { networkId: network.id, label: network.label });
          }
          if (label) await client.invoke('LabelNetwork', { networkId: network.id, label });
        }
      } else {
        const label = values.label.trim();
        saved = await client.invoke('AddNetwork', {
          ...common,
          dataCenter: { id: values.dataCenterId },
          ...(label ? { label } : {}),
        });
      }
      // Cluster section: attach (the engine deploys isolated networks to the cluster's hosts)
      // or detach, as oVirt's dialog does after saving the network itself.
      for (const c of clusters) {
        const choice = choices[c.id];
        const was = network ? attachedClusterIds.includes(c.id) : false;
        if (choice?.attach && !was) {
          await client.invoke('AttachNetworkToCluster', {
            cluster: { id: c.id },
            network: { id: saved.id },
            required: values.isolated ? true : choice.required,
          });
        } else if (choice && !choice.attach && was) {
          await client.invoke('DetachNetworkFromCluster', { clusterId: c.id, networkId: saved.id });
        }
      }
      onSaved(saved);
    } catch (e) {
      const fields = faultToFieldErrors(e);
      if (fields) setServerFields(fields);
      else setFault(e);
      setBusy(false);
    }
  };

  const title = network ? `Edit Logical Network ${network.name}` : 'New Logical Network';
  return (
    <Modal isOpen variant="medium" onClose={onClose} aria-labelledby="network-dialog-title">
      <ModalHeader title={title} labelId="network-dialog-title" />
      <ModalBody>
        <Form
          id="network-dialog-form"
          onSubmit={(e) => {
            e.preventDefault();
            void save();
          }}
        >
          <Fault error={fault} title="The network was not saved" />
          <FormSection title="General">
            <FormGroup label="Data Center" fieldId={id('dataCenterId')} isRequired>
              <FormSelect
                id={id('dataCenterId')}
                value={values.dataCenterId}
                isDisabled={network !== null}
                validated={validated('dataCenterId')}
                onChange={(_e, v) => {
                  set({ dataCenterId: v });
                }}
              >
                {dataCenters.map((dc) => (
                  <FormSelectOption key={dc.id} value={dc.id} label={dc.name} />
                ))}
              </FormSelect>
              {fieldError('dataCenterId')}
            </FormGroup>
            <FormGroup label="Name" fieldId={id('name')} isRequired>
              <TextInput
                id={id('name')}
                value={values.name}
                validated={validated('name')}
                onChange={(_e, v) => {
                  set({ name: v });
                }}
              />
              {fieldError('name')}
            </FormGroup>
            <FormGroup label="Description" fieldId={id('description')}>
              <TextInput
                id={id('description')}
                value={values.description}
                onChange={(_e, v) => {
                  set({ description: v });
                }}
              />
            </FormGroup>
            <FormGroup label="Network label" fieldId={id('label')}>
              <TextInput
                id={id('label')}
                value={values.label}
                validated={validated('label')}
                onChange={(_e, v) => {
                  set({ label: v });
                }}
              />
              {fieldError('label') ?? (
                <FormHelperText>
                  <HelperText>
                    <HelperTextItem>
                      Hosts with the same label get this network automatically.
                    </HelperTextItem>
                  </HelperText>
                </FormHelperText>
              )}
            </FormGroup>
            <FormGroup fieldId={id('isolated')} label="Isolation" role="group">
              <Checkbox
                id={id('isolated')}
                label="Isolated (NIC-less)"
                description="A private network inside this machine: VMs on it reach each other and nothing else. It uses no host NIC, has no VLAN, and is deployed on every host of the attached clusters."
                isChecked={values.isolated}
                isDisabled={network !== null && attachedClusterIds.length > 0}
                onChange={(_e, checked) => {
                  set({ isolated: checked });
                }}
              />
            </FormGroup>
            <FormGroup fieldId={id('vmNetwork')} label="Usage" role="group">
              <Checkbox
                id={id('vmNetwork')}
                label="VM network"
                description={values.isolated ? 'Always on for isolated networks.' : undefined}
                isChecked={values.vmNetwork}
                isDisabled={values.isolated}
                onChange={(_e, checked) => {
                  set({ vmNetwork: checked });
                }}
              />
            </FormGroup>
            <FormGroup fieldId={id('vlanEnabled')} label="VLAN" role="group">
              <Checkbox
                id={id('vlanEnabled')}
                label="Enable VLAN tagging"
                description={values.isolated ? 'Not available on isolated networks.' : undefined}
                isChecked={values.vlanEnabled}
                isDisabled={values.isolated}
                onChange={(_e, checked) => {
                  set({ vlanEnabled: checked });
                }}
              />
              {values.vlanEnabled && (
                <TextInput
                  id={id('vlanId')}
                  aria-label="VLAN tag"
                  value={values.vlanId}
                  validated={validated('vlanId')}
                  onChange={(_e, v) => {
                    set({ vlanId: v });
                  }}
                />
              )}
              {fieldError('vlanId')}
            </FormGroup>
            <FormGroup label="MTU" fieldId={id('mtu')} role="radiogroup">
              <Radio
                id={id('mtu-default')}
                name="mtu-mode"
                label={`Default (${DEFAULT_MTU})`}
                isChecked={values.mtuMode === 'default'}
                onChange={() => {
                  set({ mtuMode: 'default' });
                }}
              />
              <Radio
                id={id('mtu-custom')}
                name="mtu-mode"
                label="Custom"
                isChecked={values.mtuMode === 'custom'}
                onChange={() => {
                  set({ mtuMode: 'custom' });
                }}
              />
              <TextInput
                id={id('mtu')}
                aria-label="Custom MTU"
                type="number"
                value={values.mtu}
                isDisabled={values.mtuMode === 'default'}
                validated={validated('mtu')}
                onChange={(_e, v) => {
                  set({ mtu: v });
                }}
              />
              {fieldError('mtu')}
            </FormGroup>
          </FormSection>
          <AddressPlanFields
            values={plan}
            errors={planErrors}
            isolated={values.isolated}
            onChange={(patch) => {
              setPlan((p) => ({ ...p, ...patch }));
            }}
          />
          {clusters.length > 0 && (
            <FormSection title="Clusters">
              {clusters.map((c) => {
                const choice = choices[c.id] ?? { attach: false, required: true };
                const update = (patch: Partial<ClusterChoice>): void => {
                  setChoices((all) => ({ ...all, [c.id]: { ...choice, ...patch } }));
                };
                return (
                  <FormGroup
                    key={c.id}
                    fieldId={id(`cluster-${c.name}-attach`)}
                    role="group"
                    label={c.name}
                  >
                    <Checkbox
                      id={id(`cluster-${c.name}-attach`)}
                      label={`Attach to cluster ${c.name}`}
                      isChecked={choice.attach}
                      onChange={(_e, checked) => {
                        update({ attach: checked });
                      }}
                    />
                    <Checkbox
                      id={id(`cluster-${c.name}-required`)}
                      label={`Required in cluster ${c.name}`}
                      description={
                        values.isolated ? 'Isolated networks are always required.' : undefined
                      }
                      isChecked={values.isolated || choice.required}
                      isDisabled={values.isolated || !choice.attach}
                      onChange={(_e, checked) => {
                        update({ required: checked });
                      }}
                    />
                  </FormGroup>
                );
              })}
            </FormSection>
          )}
        </Form>
      </ModalBody>
      <ModalFooter>
        <Button
          variant="primary"
          type="submit"
          form="network-dialog-form"
          id="network-dialog-ok"
          isLoading={busy}
          isDisabled={busy}
        >
          OK
        </Button>
        <Button variant="link" onClick={onClose} id="network-dialog-cancel">
          Cancel
        </Button>
      </ModalFooter>
    </Modal>
  );
}
