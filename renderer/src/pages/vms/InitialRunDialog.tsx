// SPDX-License-Identifier: Apache-2.0
// A VM's initial run (cloud-init), two ways, as oVirt's "Edit → Initial Run" and "Run Once":
// `edit` stores it (UpdateVm; used at every start), `run-once` starts the VM with it for this
// boot only (RunVm with use_cloud_init), leaving the stored one as it is. Per guest NIC
// (eth0 = the first vNIC) a static address or DHCP.
import {
  Button,
  Flex,
  FlexItem,
  Form,
  FormGroup,
  FormSection,
  Modal,
  ModalBody,
  ModalFooter,
  ModalHeader,
  TextInput,
} from '@patternfly/react-core';
import { useState } from 'react';

import { HIDDEN_PASSWORD, type Vm, type VmNic } from '../../../../main/contract/vms';
import { Fault } from '../../components/Fault';
import { useClient } from '../../context';
import {
  initialRunFrom,
  type InitialRunValues,
  type NicAddressing,
  nicAddressingFrom,
  toInitialization,
  validateInitialRun,
} from './initial-run';
import { BootProtocolSelect, InitialRunFields } from './InitialRunFields';

export function InitialRunDialog({
  vm,
  nics,
  mode,
  onClose,
  onDone,
}: {
  vm: Vm;
  /** The VM's vNICs in guest order (eth0 first). */
  nics: readonly VmNic[];
  mode: 'edit' | 'run-once';
  onClose: () => void;
  onDone: () => void;
}) {
  const client = useClient();
  const [values, setValues] = useState<InitialRunValues>(initialRunFrom(vm.initialization));
  const [addressing, setAddressing] = useState<NicAddressing[]>(
    nicAddressingFrom(vm.initialization, nics.length),
  );
  const [touched, setTouched] = useState(false);
  const [fault, setFault] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const errors = touched ? validateInitialRun(values) : {};
  const passwordStored = vm.initialization?.rootPassword === HIDDEN_PASSWORD;
  const id = mode === 'edit' ? 'vm-init-dialog' : 'vm-runonce-dialog';

  const save = async (): Promise<void> => {
    setTouched(true);
    setFault(null);
    if (Object.keys(validateInitialRun(values)).length > 0) return;
    const initialization = toInitialization(values, addressing, true, vm.initialization);
    setBusy(true);
    try {
      if (mode === 'edit') {
        await client.invoke('UpdateVm', { id: vm.id, initialization: initialization ?? null });
      } else {
        await client.invoke('RunVm', {
          id: vm.id,
          useCloudInit: true,
          ...(initialization ? { initialization } : {}),
        });
      }
      onDone();
    } catch (e) {
      setFault(e);
      setBusy(false);
    }
  };

  const setNic = (i: number, patch: Partial<NicAddressing>): void => {
    setAddressing((a) => a.map((n, j) => (j === i ? { ...n, ...patch } : n)));
  };

  return (
    <Modal isOpen variant="medium" onClose={onClose} aria-labelledby={`${id}-title`}>
      <ModalHeader
        title={mode === 'edit' ? `Initial run of ${vm.name}` : `Run ${vm.name} once`}
        description={
          mode === 'edit'
            ? 'cloud-init data the guest gets when it starts (the tiny guest takes the addresses only).'
            : 'Starts the VM with this cloud-init data for this boot only; the stored initial run stays as it is.'
        }
        labelId={`${id}-title`}
      />
      <ModalBody>
        <Form
          id={`${id}-form`}
          onSubmit={(e) => {
            e.preventDefault();
            void save();
          }}
        >
          <Fault error={fault} title={mode === 'edit' ? 'Not saved' : 'The VM was not started'} />
          <FormSection title="Guest">
            <InitialRunFields
              idPrefix={id}
              values={values}
              errors={errors}
              passwordStored={passwordStored}
              onChange={(patch) => {
                setValues((v) => ({ ...v, ...patch }));
              }}
            />
          </FormSection>
          <FormSection title="Network interfaces">
            {nics.length === 0 && <p>The VM has no network interfaces.</p>}
            {addressing.map((n, i) => (
              <Flex key={i} alignItems={{ default: 'alignItemsFlexEnd' }}>
                <FlexItem>
                  <FormGroup
                    label={`eth${i} (${nics[i]?.name ?? ''})`}
                    fieldId={`${id}-eth${i}-boot`}
                  >
                    <BootProtocolSelect
                      id={`${id}-eth${i}-boot`}
                      label={`Boot protocol of eth${i}`}
                      value={n.bootProtocol}
                      onChange={(v) => {
                        setNic(i, { bootProtocol: v });
                      }}
                    />
                  </FormGroup>
                </FlexItem>
                <FlexItem>
                  <TextInput
                    id={`${id}-eth${i}-address`}
                    aria-label={`Static IPv4 address of eth${i}`}
                    placeholder="10.90.0.11"
                    isDisabled={n.bootProtocol !== 'static'}
                    value={n.address}
                    onChange={(_e, v) => {
                      setNic(i, { address: v });
                    }}
                  />
                </FlexItem>
                <FlexItem>
                  <TextInput
                    id={`${id}-eth${i}-prefix`}
                    aria-label={`Prefix length of eth${i}`}
                    style={{ width: '5em' }}
                    isDisabled={n.bootProtocol !== 'static'}
                    value={n.prefix}
                    onChange={(_e, v) => {
                      setNic(i, { prefix: v });
                    }}
                  />
                </FlexItem>
              </Flex>
            ))}
          </FormSection>
        </Form>
      </ModalBody>
      <ModalFooter>
        <Button
          variant="primary"
          type="submit"
          form={`${id}-form`}
          id={`${id}-ok`}
          isLoading={busy}
          isDisabled={busy}
        >
          {mode === 'edit' ? 'Save' : 'Run'}
        </Button>
        <Button variant="link" onClick={onClose}>
          Cancel
        </Button>
      </ModalFooter>
    </Modal>
  );
}
