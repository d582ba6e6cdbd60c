// SPDX-License-Identifier: Apache-2.0
// A VM's CD-ROM and boot order (issue 16; oVirt's "Change CD" and Edit VM → Boot Options):
// the ISO in its one CD-ROM (an ISO disk uploaded into a storage domain: Storage → Upload an
// .iso file), inserted or ejected — on a running VM at once (`current`), on a stopped one for
// its next start —, the boot order (`os.boot.devices`), and "Run once from this CD": boot the
// CD first for one start only, the stored configuration unchanged.
import {
  Button,
  DescriptionList,
  DescriptionListDescription,
  DescriptionListGroup,
  DescriptionListTerm,
  Flex,
  FlexItem,
  FormSelect,
  FormSelectOption,
} from '@patternfly/react-core';
import { useState } from 'react';

import type { BootDevice } from '../../../../main/contract/cdroms';
import type { Vm } from '../../../../main/contract/vms';
import { Fault } from '../../components/Fault';
import { domId } from '../../components/ids';
import { useClient } from '../../context';
import { useQuery } from '../../hooks';
import { DiskPicker } from './DiskPicker';

/** Boot orders offered (oVirt's first and second device). */
export const BOOT_ORDERS: readonly { label: string; devices: readonly BootDevice[] }[] = [
  { label: 'Hard disk', devices: ['hd'] },
  { label: 'CD-ROM, then hard disk', devices: ['cdrom', 'hd'] },
  { label: 'Hard disk, then CD-ROM', devices: ['hd', 'cdrom'] },
  { label: 'Network (PXE), then hard disk', devices: ['network', 'hd'] },
];

const keyOf = (devices: readonly BootDevice[]): string => devices.join(',');

export function VmCdrom({ vm }: { vm: Vm }) {
  const client = useClient();
  const running = vm.status !== 'down' && vm.status !== 'image_locked';
  const stored = useQuery('GetVmCdroms', { vmId: vm.id }, ['vm', 'disk']);
  const current = useQuery(running ? 'GetVmCdroms' : null, { vmId: vm.id, current: true }, [
    'vm',
    'disk',
  ]);
  const disks = useQuery('GetAllDisks', {}, ['disk']);
  const isos = (disks.data ?? []).filter((d) => d.contentType === 'iso' && d.status === 'ok');
  const [choice, setChoice] = useState('');
  const [bootKey, setBootKey] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const nameOf = (id: string | null | undefined): string =>
    id ? (isos.find((d) => d.id === id)?.name ?? id) : 'empty';
  const inDrive = (running ? current.data : stored.data)?.[0]?.fileId ?? null;
  const boot = bootKey ?? keyOf(vm.bootDevices ?? ['hd']);

  const act = (p: () => Promise<unknown>): void => {
    setError(null);
    setBusy(true);
    p().then(
      () => {
        setBusy(false);
        stored.reload();
        current.reload();
      },
      (e: unknown) => {
        setBusy(false);
        setError(e);
      },
    );
  };
  const change = (fileId: string | null) => {
    act(() =>
      client.invoke('UpdateVmCdrom', {
        vmId: vm.id,
        fileId,
        ...(running ? { current: true } : {}),
      }),
    );
  };

  return (
    <div style={{ marginTop: 16 }} id={domId('vm', vm.name, 'cdrom-tab')}>
      <Fault error={error ?? stored.error ?? disks.error} />
      <DescriptionList isHorizontal>
        <DescriptionListGroup>
          <DescriptionListTerm>CD-ROM{running ? ' (running VM)' : ''}</DescriptionListTerm>
          <DescriptionListDescription id={domId('vm', vm.name, 'cdrom-file')}>
            {nameOf(inDrive)}
          </DescriptionListDescription>
        </DescriptionListGroup>
        {running && (
          <DescriptionListGroup>
            <DescriptionListTerm>CD-ROM at next start</DescriptionListTerm>
            <DescriptionListDescription>
              {nameOf(stored.data?.[0]?.fileId)}
            </DescriptionListDescription>
          </DescriptionListGroup>
        )}
      </DescriptionList>
      <DiskPicker
        id={domId('vm', vm.name, 'cdrom-iso')}
        label="ISO image to insert"
        disks={isos}
        value={choice}
        onChange={setChoice}
        choose="Choose an ISO image"
        none="No ISO images (upload an .iso file)"
        style={{ marginTop: 16 }}
      >
        <FlexItem>
          <Button
            id={domId('vm', vm.name, 'cdrom-insert')}
            variant="secondary"
            isDisabled={busy || choice === ''}
            onClick={() => {
              change(choice);
            }}
          >
            Insert
          </Button>{' '}
          <Button
            id={domId('vm', vm.name, 'cdrom-eject')}
            variant="secondary"
            isDisabled={busy || inDrive === null}
            onClick={() => {
              change(null);
            }}
          >
            Eject
          </Button>{' '}
          <Button
            id={domId('vm', vm.name, 'cdrom-run-once')}
            variant="secondary"
            isDisabled={busy || running || (choice === '' && inDrive === null)}
            onClick={() => {
              act(() =>
                client.invoke('RunVm', {
                  id: vm.id,
                  cdromFileId: choice || (inDrive ?? ''),
                  bootDevices: ['cdrom', 'hd'],
                }),
              );
            }}
          >
            Run once from this CD
          </Button>
        </FlexItem>
      </DiskPicker>
      <Flex style={{ marginTop: 16 }} alignItems={{ default: 'alignItemsCenter' }}>
        <FlexItem>Boot order</FlexItem>
        <FlexItem>
          <FormSelect
            id={domId('vm', vm.name, 'boot-order')}
            aria-label="Boot order"
            value={boot}
            onChange={(_e, v) => {
              setBootKey(v);
            }}
          >
            {BOOT_ORDERS.map((o) => (
              <FormSelectOption key={keyOf(o.devices)} value={keyOf(o.devices)} label={o.label} />
            ))}
          </FormSelect>
        </FlexItem>
        <FlexItem>
          <Button
            id={domId('vm', vm.name, 'boot-order-save')}
            variant="secondary"
            isDisabled={busy || boot === keyOf(vm.bootDevices ?? ['hd'])}
            onClick={() => {
              const devices = BOOT_ORDERS.find((o) => keyOf(o.devices) === boot)?.devices;
              if (devices)
                act(() => client.invoke('UpdateVm', { id: vm.id, bootDevices: [...devices] }));
            }}
          >
            Save boot order
          </Button>
        </FlexItem>
        {running && <FlexItem>(used from the next start)</FlexItem>}
      </Flex>
    </div>
  );
}
