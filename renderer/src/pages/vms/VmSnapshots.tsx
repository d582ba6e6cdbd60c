// SPDX-License-Identifier: Apache-2.0
// A VM's Snapshots tab (oVirt's VM → Snapshots): `Active VM` (its current state) first, then
// the snapshots; create (disk-only, on a down or running VM), restore a snapshot on a down VM
// after a confirmation, remove. Status (locked while the engine works) updates from events.
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
  Toolbar,
  ToolbarContent,
  ToolbarItem,
} from '@patternfly/react-core';
import { useState } from 'react';

import type { Snapshot } from '../../../../main/contract/snapshots';
import type { Vm } from '../../../../main/contract/vms';
import { Fault } from '../../components/Fault';
import { FieldError } from '../../components/FieldError';
import { domId } from '../../components/ids';
import { StatusLabel } from '../../components/Status';
import { Table } from '../../components/Table';
import { useClient } from '../../context';
import { useQuery } from '../../hooks';

const TYPE_TEXT: Readonly<Record<Snapshot['type'], string>> = {
  active: 'Current',
  regular: 'Snapshot',
  preview: 'Preview',
  stateless: 'Stateless',
};

export function VmSnapshots({ vm }: { vm: Vm }) {
  const client = useClient();
  const snapshots = useQuery('GetSnapshotsByVmId', { vmId: vm.id }, ['snapshot', 'vm', 'disk']);
  const [error, setError] = useState<unknown>(null);
  const [creating, setCreating] = useState(false);
  const [restoring, setRestoring] = useState<Snapshot | null>(null);
  const down = vm.status === 'down';
  const busy = (snapshots.data ?? []).some((s) => s.status === 'locked');

  const remove = (s: Snapshot): void => {
    setError(null);
    client.invoke('RemoveSnapshot', { vmId: vm.id, id: s.id }).then(
      () => {
        snapshots.reload();
      },
      (e: unknown) => {
        setError(e);
      },
    );
  };

  return (
    <div style={{ marginTop: 16 }}>
      <Toolbar>
        <ToolbarContent>
          <ToolbarItem>
            <Button
              variant="secondary"
              id={domId('vm', vm.name, 'new-snapshot')}
              isDisabled={busy || vm.status === 'image_locked'}
              onClick={() => {
                setCreating(true);
              }}
            >
              Create snapshot
            </Button>
          </ToolbarItem>
        </ToolbarContent>
      </Toolbar>
      <Fault error={error ?? snapshots.error} />
      <Table
        label={`Snapshots of ${vm.name}`}
        rows={snapshots.data ?? []}
        rowKey={(s) => s.id}
        rowId={(s) =>
          domId(
            'snapshot',
            `${vm.name}-${s.type === 'active' ? 'active' : s.description}`,
            '',
          ).slice(0, -1)
        }
        columns={[
          { title: 'Description', field: 'description', cell: (s) => s.description },
          { title: 'Type', field: 'type', cell: (s) => TYPE_TEXT[s.type] },
          { title: 'Status', field: 'status', cell: (s) => <StatusLabel status={s.status} /> },
          {
            title: 'Date',
            field: 'date',
            cell: (s) => (s.type === 'active' ? 'Now' : new Date(s.date).toLocaleString()),
          },
          {
            title: 'Disks',
            field: 'disks',
            cell: (s) => String(s.diskIds.length),
          },
          { title: 'Memory', field: 'memory', cell: () => 'Not saved (disk-only)' },
          {
            title: 'Actions',
            cell: (s) =>
              s.type === 'active' ? null : (
                <>
                  <Button
                    size="sm"
                    variant="secondary"
                    aria-label={`Restore ${s.description}`}
                    isDisabled={!down || s.status !== 'ok' || busy}
                    onClick={() => {
                      setRestoring(s);
                    }}
                  >
                    Restore
                  </Button>{' '}
                  <Button
                    size="sm"
                    variant="danger"
                    aria-label={`Remove snapshot ${s.description}`}
                    isDisabled={s.status !== 'ok' || busy}
                    onClick={() => {
                      remove(s);
                    }}
                  >
                    Remove
                  </Button>
                </>
              ),
          },
        ]}
      />
      {!down && (
        <p style={{ marginTop: 8 }}>
          <small>Restore needs the VM down: shut it down first.</small>
        </p>
      )}
      {creating && (
        <CreateSnapshotDialog
          vm={vm}
          onClose={() => {
            setCreating(false);
            snapshots.reload();
          }}
        />
      )}
      {restoring && (
        <RestoreSnapshotDialog
          vm={vm}
          snapshot={restoring}
          onClose={() => {
            setRestoring(null);
            snapshots.reload();
          }}
        />
      )}
    </div>
  );
}

function CreateSnapshotDialog({ vm, onClose }: { vm: Vm; onClose: () => void }) {
  const client = useClient();
  const [description, setDescription] = useState('');
  const [touched, setTouched] = useState(false);
  const [fault, setFault] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const error = description.trim() === '' ? 'Describe the snapshot.' : undefined;

  const save = async (): Promise<void> => {
    setTouched(true);
    if (error) return;
    setFault(null);
    setBusy(true);
    try {
      await client.invoke('CreateSnapshot', { vmId: vm.id, description: description.trim() });
      onClose();
    } catch (e) {
      setFault(e);
      setBusy(false);
    }
  };

  return (
    <Modal isOpen variant="small" onClose={onClose} aria-labelledby="snapshot-dialog-title">
      <ModalHeader title={`Create snapshot of ${vm.name}`} labelId="snapshot-dialog-title" />
      <ModalBody>
        <Form
          id="snapshot-dialog-form"
          onSubmit={(e) => {
            e.preventDefault();
            void save();
          }}
        >
          <Fault error={fault} title="The snapshot was not taken" />
          <Alert variant="info" isInline isPlain title="Snapshots are disk-only">
            The disks are frozen as they are now and the VM keeps writing to new overlays. Memory is
            not saved: restoring brings back the disks as after a power cut
            {vm.status === 'down' ? '' : ' (this VM is running)'}.
          </Alert>
          <FormGroup label="Description" fieldId="snapshot-dialog-description" isRequired>
            <TextInput
              id="snapshot-dialog-description"
              value={description}
              validated={touched && error ? 'error' : 'default'}
              onChange={(_e, v) => {
                setDescription(v);
              }}
            />
            <FieldError text={touched ? error : undefined} id="snapshot-dialog-description-error" />
          </FormGroup>
        </Form>
      </ModalBody>
      <ModalFooter>
        <Button
          variant="primary"
          type="submit"
          form="snapshot-dialog-form"
          id="snapshot-dialog-ok"
          isLoading={busy}
          isDisabled={busy}
        >
          Create
        </Button>
        <Button variant="link" onClick={onClose}>
          Cancel
        </Button>
      </ModalFooter>
    </Modal>
  );
}

function RestoreSnapshotDialog({
  vm,
  snapshot,
  onClose,
}: {
  vm: Vm;
  snapshot: Snapshot;
  onClose: () => void;
}) {
  const client = useClient();
  const [fault, setFault] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const restore = async (): Promise<void> => {
    setFault(null);
    setBusy(true);
    try {
      await client.invoke('RestoreSnapshot', { vmId: vm.id, id: snapshot.id });
      onClose();
    } catch (e) {
      setFault(e);
      setBusy(false);
    }
  };
  return (
    <Modal isOpen variant="small" onClose={onClose} aria-labelledby="restore-dialog-title">
      <ModalHeader
        title={`Restore ${snapshot.description}?`}
        labelId="restore-dialog-title"
        titleIconVariant="warning"
      />
      <ModalBody>
        <Fault error={fault} title="The snapshot was not restored" />
        <p>
          The disks of {vm.name} go back to how they were on{' '}
          {new Date(snapshot.date).toLocaleString()}. Everything written since then is lost.
        </p>
      </ModalBody>
      <ModalFooter>
        <Button
          variant="danger"
          id="restore-dialog-ok"
          isLoading={busy}
          isDisabled={busy}
          onClick={() => {
            void restore();
          }}
        >
          Restore
        </Button>
        <Button variant="link" onClick={onClose}>
          Cancel
        </Button>
      </ModalFooter>
    </Modal>
  );
}
