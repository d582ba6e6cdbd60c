// SPDX-License-Identifier: Apache-2.0
// Make template / Clone of a down VM: both copy its disks (collapsed, without snapshots), so
// the VM is `image_locked` and the new template or VM `locked` until the copies finish.
import {
  Alert,
  Button,
  Form,
  FormGroup,
  Modal,
  ModalBody,
  ModalFooter,
  ModalHeader,
  TextInput,
} from '@patternfly/react-core';
import { useState } from 'react';

import type { Vm } from '../../../../main/contract/vms';
import { Fault } from '../../components/Fault';
import { FieldError } from '../../components/FieldError';
import { useClient } from '../../context';

const NAME = /^[A-Za-z0-9_.-]{1,64}$/;

export function CopyVmDialog({
  vm,
  kind,
  onClose,
}: {
  vm: Vm;
  kind: 'template' | 'clone';
  onClose: () => void;
}) {
  const client = useClient();
  const [name, setName] = useState(
    kind === 'template' ? `${vm.name}-template` : `${vm.name}-clone`,
  );
  const [description, setDescription] = useState('');
  const [fault, setFault] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const error = NAME.test(name.trim())
    ? undefined
    : 'Use letters, digits, dots, hyphens and underscores (at most 64).';
  const prefix = kind === 'template' ? 'template-dialog' : 'clone-dialog';

  const save = async (): Promise<void> => {
    if (error) return;
    setFault(null);
    setBusy(true);
    try {
      if (kind === 'template') {
        await client.invoke('AddVmTemplate', {
          name: name.trim(),
          vm: { id: vm.id },
          ...(description.trim() ? { description: description.trim() } : {}),
        });
      } else {
        await client.invoke('CloneVm', { id: vm.id, name: name.trim() });
      }
      onClose();
    } catch (e) {
      setFault(e);
      setBusy(false);
    }
  };

  return (
    <Modal isOpen variant="small" onClose={onClose} aria-labelledby={`${prefix}-title`}>
      <ModalHeader
        title={kind === 'template' ? `Make template from ${vm.name}` : `Clone ${vm.name}`}
        labelId={`${prefix}-title`}
      />
      <ModalBody>
        <Form
          id={`${prefix}-form`}
          onSubmit={(e) => {
            e.preventDefault();
            void save();
          }}
        >
          <Fault
            error={fault}
            title={kind === 'template' ? 'The template was not made' : 'The VM was not cloned'}
          />
          <Alert variant="info" isInline isPlain title="The disks are copied">
            {kind === 'template'
              ? 'The template gets its own copy of the disks; new VMs from it are thin overlays on that copy.'
              : 'The clone gets independent copies of the disks (snapshots are merged into them).'}{' '}
            {vm.name} stays locked until the copy is done.
          </Alert>
          <FormGroup label="Name" fieldId={`${prefix}-name`} isRequired>
            <TextInput
              id={`${prefix}-name`}
              value={name}
              validated={error ? 'error' : 'default'}
              onChange={(_e, v) => {
                setName(v);
              }}
            />
            <FieldError text={error} id={`${prefix}-name-error`} />
          </FormGroup>
          {kind === 'template' && (
            <FormGroup label="Description" fieldId={`${prefix}-description`}>
              <TextInput
                id={`${prefix}-description`}
                value={description}
                onChange={(_e, v) => {
                  setDescription(v);
                }}
              />
            </FormGroup>
          )}
        </Form>
      </ModalBody>
      <ModalFooter>
        <Button
          variant="primary"
          type="submit"
          form={`${prefix}-form`}
          id={`${prefix}-ok`}
          isLoading={busy}
          isDisabled={busy || error !== undefined}
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
