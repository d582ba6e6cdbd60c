// SPDX-License-Identifier: Apache-2.0
// Import an image file already on this machine (ImportImage): the engine copies it into a new
// disk with qemu-img, without sending it through HTTP. The engine reads only files inside a
// storage domain's directory (drop them in `<domain path>/import/`), never arbitrary paths.
import {
  Button,
  Form,
  FormGroup,
  FormHelperText,
  FormSelect,
  FormSelectOption,
  HelperText,
  HelperTextItem,
  Modal,
  ModalBody,
  ModalFooter,
  ModalHeader,
  TextInput,
} from '@patternfly/react-core';
import { useState } from 'react';

import type { StorageDomain } from '../../../../main/contract/storage-domains';
import { Fault } from '../../components/Fault';
import { FieldError } from '../../components/FieldError';
import { useClient } from '../../context';
import { DISK_NAME } from './disk-form';
import { diskNameFromFile } from './image-header';

export function ImportImageDialog({
  domains,
  onClose,
}: {
  domains: readonly StorageDomain[];
  onClose: () => void;
}) {
  const client = useClient();
  const first = domains[0];
  const [path, setPath] = useState(first ? `${first.path}/import/` : '');
  const [name, setName] = useState('');
  const [format, setFormat] = useState<'cow' | 'raw'>('cow');
  const [domainId, setDomainId] = useState(first?.id ?? '');
  const [touched, setTouched] = useState(false);
  const [fault, setFault] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const errors = {
    path:
      !path.startsWith('/') || path.endsWith('/') ? 'Give the absolute path of a file.' : undefined,
    name: DISK_NAME.test(name.trim())
      ? undefined
      : 'Use letters, digits, dots, hyphens and underscores (at most 64).',
  };
  const shown = touched ? errors : { path: undefined, name: undefined };

  const save = async (): Promise<void> => {
    setTouched(true);
    setFault(null);
    if (errors.path || errors.name) return;
    setBusy(true);
    try {
      await client.invoke('ImportImage', {
        path: path.trim(),
        name: name.trim(),
        format,
        sparse: format === 'cow',
        ...(domainId ? { storageDomain: { id: domainId } } : {}),
      });
      onClose();
    } catch (e) {
      setFault(e);
      setBusy(false);
    }
  };

  return (
    <Modal isOpen variant="medium" onClose={onClose} aria-labelledby="import-dialog-title">
      <ModalHeader title="Import image from this machine" labelId="import-dialog-title" />
      <ModalBody>
        <Form
          id="import-dialog-form"
          onSubmit={(e) => {
            e.preventDefault();
            void save();
          }}
        >
          <Fault error={fault} title="The image was not imported" />
          <FormGroup label="Image file path" fieldId="import-dialog-path" isRequired>
            <TextInput
              id="import-dialog-path"
              className="aio-mono"
              value={path}
              validated={shown.path ? 'error' : 'default'}
              onChange={(_e, v) => {
                setPath(v);
                if (name === '' || name === diskNameFromFile(path.split('/').pop() ?? '')) {
                  setName(diskNameFromFile(v.split('/').pop() ?? ''));
                }
              }}
            />
            {shown.path ? (
              <FieldError text={shown.path} id="import-dialog-path-error" />
            ) : (
              <FormHelperText>
                <HelperText>
                  <HelperTextItem>
                    A qcow2 or raw file inside a storage domain&apos;s directory
                    {first ? ` (for example ${first.path}/import/)` : ''}. It is copied into a new
                    disk; the file itself is left as it is.
                  </HelperTextItem>
                </HelperText>
              </FormHelperText>
            )}
          </FormGroup>
          <FormGroup label="Disk name" fieldId="import-dialog-name" isRequired>
            <TextInput
              id="import-dialog-name"
              value={name}
              validated={shown.name ? 'error' : 'default'}
              onChange={(_e, v) => {
                setName(v);
              }}
            />
            <FieldError text={shown.name} id="import-dialog-name-error" />
          </FormGroup>
          <FormGroup label="Disk format" fieldId="import-dialog-format">
            <FormSelect
              id="import-dialog-format"
              value={format}
              onChange={(_e, v) => {
                setFormat(v === 'raw' ? 'raw' : 'cow');
              }}
            >
              <FormSelectOption value="cow" label="qcow2 (thin)" />
              <FormSelectOption value="raw" label="raw (preallocated)" />
            </FormSelect>
          </FormGroup>
          <FormGroup label="Storage domain" fieldId="import-dialog-domain">
            <FormSelect
              id="import-dialog-domain"
              value={domainId}
              onChange={(_e, v) => {
                setDomainId(v);
              }}
            >
              {domains.map((d) => (
                <FormSelectOption key={d.id} value={d.id} label={d.name} />
              ))}
            </FormSelect>
          </FormGroup>
        </Form>
      </ModalBody>
      <ModalFooter>
        <Button
          variant="primary"
          type="submit"
          form="import-dialog-form"
          id="import-dialog-ok"
          isLoading={busy}
          isDisabled={busy}
        >
          Import
        </Button>
        <Button variant="link" onClick={onClose}>
          Cancel
        </Button>
      </ModalFooter>
    </Modal>
  );
}
