// SPDX-License-Identifier: Apache-2.0
// Extend a disk (UpdateDisk with a larger provisioned size; oVirt never shrinks a disk).
import {
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

import type { Disk } from '../../../../main/contract/disks';
import { formatBytes, GIB, parseGiB } from '../../components/bytes';
import { Fault } from '../../components/Fault';
import { FieldError } from '../../components/FieldError';
import { useClient } from '../../context';

export function ExtendDiskDialog({ disk, onClose }: { disk: Disk; onClose: () => void }) {
  const client = useClient();
  const [size, setSize] = useState(String(Math.ceil((disk.provisionedSize / GIB) * 10) / 10 + 1));
  const [fault, setFault] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const bytes = parseGiB(size);
  const error =
    bytes === null
      ? 'Enter a size in GiB.'
      : bytes <= disk.provisionedSize
        ? `A disk can only grow: enter more than ${formatBytes(disk.provisionedSize)}.`
        : undefined;

  const save = async (): Promise<void> => {
    if (error || bytes === null) return;
    setFault(null);
    setBusy(true);
    try {
      await client.invoke('UpdateDisk', { id: disk.id, provisionedSize: bytes });
      onClose();
    } catch (e) {
      setFault(e);
      setBusy(false);
    }
  };

  return (
    <Modal isOpen variant="small" onClose={onClose} aria-labelledby="extend-dialog-title">
      <ModalHeader title={`Extend ${disk.name}`} labelId="extend-dialog-title" />
      <ModalBody>
        <Form
          id="extend-dialog-form"
          onSubmit={(e) => {
            e.preventDefault();
            void save();
          }}
        >
          <Fault error={fault} title="The disk was not extended" />
          <p>
            Now {formatBytes(disk.provisionedSize)}. The guest must grow its file system itself.
          </p>
          <FormGroup label="New size (GiB)" fieldId="extend-dialog-size" isRequired>
            <TextInput
              id="extend-dialog-size"
              value={size}
              inputMode="decimal"
              validated={error ? 'error' : 'default'}
              onChange={(_e, v) => {
                setSize(v);
              }}
            />
            <FieldError text={error} id="extend-dialog-size-error" />
          </FormGroup>
        </Form>
      </ModalBody>
      <ModalFooter>
        <Button
          variant="primary"
          type="submit"
          form="extend-dialog-form"
          id="extend-dialog-ok"
          isLoading={busy}
          isDisabled={busy || error !== undefined}
        >
          Extend
        </Button>
        <Button variant="link" onClick={onClose}>
          Cancel
        </Button>
      </ModalFooter>
    </Modal>
  );
}
