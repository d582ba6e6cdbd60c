// SPDX-License-Identifier: Apache-2.0
// A VM's Disks tab (oVirt's VM → Disks): its disk attachments with size, format, status,
// interface and bootable flag; add a new disk or attach an existing floating one; detach
// (keep the disk) or remove (delete it). Attachment fields change only while the VM is down.
import {
  Button,
  Checkbox,
  FlexItem,
  FormSelect,
  FormSelectOption,
  Toolbar,
  ToolbarContent,
  ToolbarItem,
} from '@patternfly/react-core';
import { useState } from 'react';

import {
  DISK_INTERFACES,
  type DiskAttachment,
  type DiskInterface,
} from '../../../../main/contract/disks';
import type { OpInput } from '../../../../main/contract/operations';
import type { Vm } from '../../../../main/contract/vms';
import { formatBytes } from '../../components/bytes';
import { Fault } from '../../components/Fault';
import { domId } from '../../components/ids';
import { StatusLabel } from '../../components/Status';
import { Table } from '../../components/Table';
import { useClient } from '../../context';
import { useQuery } from '../../hooks';
import { INTERFACE_LABELS } from '../storage/disk-form';
import { NewDiskDialog } from '../storage/NewDiskDialog';
import { DiskPicker } from './DiskPicker';

export function VmDisks({ vm }: { vm: Vm }) {
  const client = useClient();
  const attachments = useQuery('GetDiskAttachmentsByVmId', { vmId: vm.id }, [
    'disk',
    'disk_attachment',
    'snapshot',
  ]);
  const allDisks = useQuery('GetAllDisks', {}, ['disk', 'disk_attachment']);
  const domains = useQuery('GetAllStorageDomains', {}, ['storage_domain']);
  const [error, setError] = useState<unknown>(null);
  const [adding, setAdding] = useState(false);
  const [existingId, setExistingId] = useState('');
  const [existingBootable, setExistingBootable] = useState(false);
  const down = vm.status === 'down';
  const floating = (allDisks.data ?? []).filter(
    (d) => d.vmId === null && d.templateId === null && d.status === 'ok',
  );
  const rows = [...(attachments.data ?? [])].sort(
    (a, b) => Number(b.bootable) - Number(a.bootable) || a.disk.name.localeCompare(b.disk.name),
  );

  const run = (p: Promise<unknown>): void => {
    setError(null);
    p.then(
      () => {
        attachments.reload();
        allDisks.reload();
      },
      (e: unknown) => {
        setError(e);
      },
    );
  };
  const update = (
    a: DiskAttachment,
    patch: Omit<OpInput<'UpdateDiskAttachment'>, 'vmId' | 'id'>,
  ) => {
    run(client.invoke('UpdateDiskAttachment', { vmId: vm.id, id: a.id, ...patch }));
  };

  return (
    <div style={{ marginTop: 16 }}>
      <Toolbar>
        <ToolbarContent>
          <ToolbarItem>
            <Button
              variant="secondary"
              id={domId('vm', vm.name, 'new-disk')}
              isDisabled={(domains.data ?? []).length === 0}
              onClick={() => {
                setAdding(true);
              }}
            >
              New disk
            </Button>
          </ToolbarItem>
          <ToolbarItem>
            <DiskPicker
              id={domId('vm', vm.name, 'existing-disk')}
              label="Existing disk to attach"
              disks={floating}
              value={existingId}
              onChange={setExistingId}
              choose="Choose a disk that is not attached"
              none="No free disks"
              detail={(d) => (d.format === 'cow' ? 'qcow2' : 'raw')}
            >
              <FlexItem>
                <Checkbox
                  id={domId('vm', vm.name, 'existing-disk-bootable')}
                  label="Bootable"
                  isChecked={existingBootable}
                  onChange={(_e, v) => {
                    setExistingBootable(v);
                  }}
                />
              </FlexItem>
              <FlexItem>
                <Button
                  variant="secondary"
                  id={domId('vm', vm.name, 'attach-disk')}
                  isDisabled={existingId === ''}
                  onClick={() => {
                    run(
                      client.invoke('AddDiskAttachment', {
                        vmId: vm.id,
                        disk: { id: existingId },
                        bootable: existingBootable,
                        interface: 'virtio',
                        active: true,
                      }),
                    );
                    setExistingId('');
                  }}
                >
                  Attach
                </Button>
              </FlexItem>
            </DiskPicker>
          </ToolbarItem>
        </ToolbarContent>
      </Toolbar>
      <Fault error={error ?? attachments.error} />
      <Table
        label={`Disks of ${vm.name}`}
        rows={rows}
        rowKey={(a) => a.id}
        rowId={(a) => domId('vm-disk', `${vm.name}-${a.disk.name}`, '').slice(0, -1)}
        empty="No disks. Add a new one or attach an uploaded disk."
        columns={[
          { title: 'Name', field: 'name', cell: (a) => a.disk.name },
          {
            title: 'Size',
            field: 'size',
            cell: (a) =>
              `${formatBytes(a.disk.provisionedSize)} / ${formatBytes(a.disk.totalSize)}`,
          },
          {
            title: 'Format',
            field: 'format',
            cell: (a) => (a.disk.format === 'cow' ? 'qcow2' : 'raw'),
          },
          { title: 'Status', field: 'status', cell: (a) => <StatusLabel status={a.disk.status} /> },
          {
            title: 'Interface',
            field: 'interface',
            cell: (a) => (
              <FormSelect
                aria-label={`Interface of ${a.disk.name}`}
                value={a.interface}
                isDisabled={!down}
                onChange={(_e, v) => {
                  const i: DiskInterface | undefined = DISK_INTERFACES.find((x) => x === v);
                  if (i) update(a, { interface: i });
                }}
                style={{ width: '10em' }}
              >
                {DISK_INTERFACES.map((i) => (
                  <FormSelectOption key={i} value={i} label={INTERFACE_LABELS[i]} />
                ))}
              </FormSelect>
            ),
          },
          {
            title: 'Bootable',
            field: 'bootable',
            cell: (a) => (
              <Checkbox
                id={domId('vm-disk', `${vm.name}-${a.disk.name}`, 'bootable-check')}
                aria-label={`${a.disk.name} is bootable`}
                isChecked={a.bootable}
                isDisabled={!down}
                onChange={(_e, v) => {
                  update(a, { bootable: v });
                }}
              />
            ),
          },
          { title: 'Plugged', field: 'active', cell: (a) => (a.active ? 'Yes' : 'No') },
          {
            title: 'Actions',
            cell: (a) => (
              <>
                <Button
                  size="sm"
                  variant="secondary"
                  aria-label={`Detach ${a.disk.name}`}
                  isDisabled={!down || a.disk.status === 'locked'}
                  onClick={() => {
                    run(
                      client.invoke('DetachDiskFromVm', {
                        vmId: vm.id,
                        id: a.id,
                        detachOnly: true,
                      }),
                    );
                  }}
                >
                  Detach
                </Button>{' '}
                <Button
                  size="sm"
                  variant="danger"
                  aria-label={`Remove ${a.disk.name}`}
                  isDisabled={!down || a.disk.status === 'locked'}
                  onClick={() => {
                    run(
                      client.invoke('DetachDiskFromVm', {
                        vmId: vm.id,
                        id: a.id,
                        detachOnly: false,
                      }),
                    );
                  }}
                >
                  Remove
                </Button>
              </>
            ),
          },
        ]}
      />
      {adding && (
        <NewDiskDialog
          domains={domains.data ?? []}
          vm={vm}
          onClose={() => {
            setAdding(false);
            attachments.reload();
          }}
        />
      )}
    </div>
  );
}
