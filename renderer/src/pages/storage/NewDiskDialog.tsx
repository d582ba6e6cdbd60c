// SPDX-License-Identifier: Apache-2.0
// New disk: an empty qcow2 (thin) or raw (preallocated) disk in a storage domain; floating,
// or — opened from a VM's Disks tab — attached to that VM (AddDiskAttachment with a new disk).
import {
  Button,
  Checkbox,
  Form,
  FormGroup,
  FormSelect,
  FormSelectOption,
  Modal,
  ModalBody,
  ModalFooter,
  ModalHeader,
  TextInput,
} from '@patternfly/react-core';
import { useState } from 'react';

import type { DiskInterface } from '../../../../main/contract/disks';
import { DISK_INTERFACES } from '../../../../main/contract/disks';
import type { StorageDomain } from '../../../../main/contract/storage-domains';
import type { Vm } from '../../../../main/contract/vms';
import { Fault } from '../../components/Fault';
import { FieldError } from '../../components/FieldError';
import { useClient } from '../../context';
import {
  type DiskFormErrors,
  type DiskFormValues,
  INTERFACE_LABELS,
  toDiskSpec,
  validateDiskForm,
} from './disk-form';

export function NewDiskDialog({
  domains,
  vm,
  onClose,
}: {
  domains: readonly StorageDomain[];
  /** Attach the new disk to this VM. */
  vm?: Vm;
  onClose: () => void;
}) {
  const client = useClient();
  const [values, setValues] = useState<DiskFormValues>({
    name: vm ? `${vm.name}_disk` : '',
    sizeGiB: '1',
    format: 'cow',
    storageDomainId: domains[0]?.id ?? '',
  });
  const [iface, setIface] = useState<DiskInterface>('virtio');
  const [bootable, setBootable] = useState(false);
  const [touched, setTouched] = useState(false);
  const [fault, setFault] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const errors: DiskFormErrors = touched ? validateDiskForm(values) : {};

  const save = async (): Promise<void> => {
    setTouched(true);
    setFault(null);
    if (Object.keys(validateDiskForm(values)).length > 0) return;
    setBusy(true);
    try {
      if (vm) {
        await client.invoke('AddDiskAttachment', {
          vmId: vm.id,
          disk: toDiskSpec(values),
          interface: iface,
          bootable,
          active: true,
        });
      } else {
        await client.invoke('AddDisk', toDiskSpec(values));
      }
      onClose();
    } catch (e) {
      setFault(e);
      setBusy(false);
    }
  };

  return (
    <Modal isOpen variant="small" onClose={onClose} aria-labelledby="disk-dialog-title">
      <ModalHeader
        title={vm ? `New disk for ${vm.name}` : 'New disk'}
        labelId="disk-dialog-title"
      />
      <ModalBody>
        <Form
          id="disk-dialog-form"
          onSubmit={(e) => {
            e.preventDefault();
            void save();
          }}
        >
          <Fault error={fault} title="The disk was not created" />
          <FormGroup label="Name" fieldId="disk-dialog-name" isRequired>
            <TextInput
              id="disk-dialog-name"
              value={values.name}
              validated={errors.name ? 'error' : 'default'}
              onChange={(_e, v) => {
                setValues((o) => ({ ...o, name: v }));
              }}
            />
            <FieldError text={errors.name} id="disk-dialog-name-error" />
          </FormGroup>
          <FormGroup label="Size (GiB)" fieldId="disk-dialog-size" isRequired>
            <TextInput
              id="disk-dialog-size"
              value={values.sizeGiB}
              inputMode="decimal"
              validated={errors.sizeGiB ? 'error' : 'default'}
              onChange={(_e, v) => {
                setValues((o) => ({ ...o, sizeGiB: v }));
              }}
            />
            <FieldError text={errors.sizeGiB} id="disk-dialog-size-error" />
          </FormGroup>
          <FormGroup label="Format" fieldId="disk-dialog-format">
            <FormSelect
              id="disk-dialog-format"
              value={values.format}
              onChange={(_e, v) => {
                setValues((o) => ({ ...o, format: v === 'raw' ? 'raw' : 'cow' }));
              }}
            >
              <FormSelectOption
                value="cow"
                label="qcow2 (thin: space is used as the guest writes)"
              />
              <FormSelectOption value="raw" label="raw (preallocated)" />
            </FormSelect>
          </FormGroup>
          <FormGroup label="Storage domain" fieldId="disk-dialog-domain" isRequired>
            <FormSelect
              id="disk-dialog-domain"
              value={values.storageDomainId}
              validated={errors.storageDomainId ? 'error' : 'default'}
              onChange={(_e, v) => {
                setValues((o) => ({ ...o, storageDomainId: v }));
              }}
            >
              {domains.map((d) => (
                <FormSelectOption key={d.id} value={d.id} label={d.name} />
              ))}
            </FormSelect>
            <FieldError text={errors.storageDomainId} id="disk-dialog-domain-error" />
          </FormGroup>
          {vm && (
            <>
              <FormGroup label="Interface" fieldId="disk-dialog-interface">
                <FormSelect
                  id="disk-dialog-interface"
                  value={iface}
                  onChange={(_e, v) => {
                    setIface(DISK_INTERFACES.find((x) => x === v) ?? 'virtio');
                  }}
                >
                  {DISK_INTERFACES.map((i) => (
                    <FormSelectOption key={i} value={i} label={INTERFACE_LABELS[i]} />
                  ))}
                </FormSelect>
              </FormGroup>
              <Checkbox
                id="disk-dialog-bootable"
                label="Bootable"
                isChecked={bootable}
                onChange={(_e, v) => {
                  setBootable(v);
                }}
              />
            </>
          )}
        </Form>
      </ModalBody>
      <ModalFooter>
        <Button
          variant="primary"
          type="submit"
          form="disk-dialog-form"
          id="disk-dialog-ok"
          isLoading={busy}
          isDisabled={busy}
        >
          OK
        </Button>
        <Button variant="link" onClick={onClose}>
          Cancel
        </Button>
      </ModalFooter>
    </Modal>
  );
}
