// SPDX-License-Identifier: Apache-2.0
// New Virtual Machine: from `tiny` (boots at once), from a template with disks (`debian-12`,
// or one made from a VM: a thin overlay by default, or a clone), or from `Blank` with an
// uploaded/imported disk attached as its boot disk; NICs on vNIC profiles with static IPv4 or
// DHCP; an "Initial run" section (cloud-init: host name, user, password, SSH key).
import {
  Button,
  Checkbox,
  Flex,
  FlexItem,
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
  TextInput,
} from '@patternfly/react-core';
import { MinusCircleIcon, PlusCircleIcon } from '@patternfly/react-icons';
import { useState } from 'react';

import type { Cluster } from '../../../../main/contract/clusters';
import type { Disk } from '../../../../main/contract/disks';
import type { Network, VnicProfile } from '../../../../main/contract/networks';
import type { Template } from '../../../../main/contract/templates';
import type { Vm } from '../../../../main/contract/vms';
import { formatBytes } from '../../components/bytes';
import { Fault } from '../../components/Fault';
import { useClient } from '../../context';
import { EMPTY_INITIAL_RUN } from './initial-run';
import { BootProtocolSelect, InitialRunFields } from './InitialRunFields';
import {
  hasErrors,
  toAddVmInput,
  validateVmForm,
  type VmFormErrors,
  type VmFormValues,
} from './vm-form';

export function NewVmDialog({
  templates,
  clusters,
  profiles,
  networks,
  disks,
  onClose,
  onCreated,
}: {
  templates: readonly Template[];
  /** Disks attached to nothing: candidates to boot a VM from Blank. */
  disks: readonly Disk[];
  clusters: readonly Cluster[];
  profiles: readonly VnicProfile[];
  networks: readonly Network[];
  onClose: () => void;
  onCreated: (vm: Vm) => void;
}) {
  const client = useClient();
  const tiny = templates.find((t) => t.boot === 'tiny') ?? templates[0];
  const [values, setValues] = useState<VmFormValues>({
    name: '',
    templateId: tiny?.id ?? '',
    diskId: '',
    clone: false,
    memoryMiB: String(Math.round((tiny?.memoryBytes ?? 192 * 1024 * 1024) / 1024 / 1024)),
    nics: [{ profileId: profiles[0]?.id ?? '', address: '', prefix: '24' }],
    initialRun: EMPTY_INITIAL_RUN,
  });
  const [touched, setTouched] = useState(false);
  const [fault, setFault] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [stage, setStage] = useState('');
  const [clusterId, setClusterId] = useState(clusters[0]?.id ?? '');
  const template = templates.find((t) => t.id === values.templateId);
  const bootsNothing = template?.boot === 'none';
  const hasDisks = template?.boot === 'disks';
  const floating = disks.filter(
    (d) => d.vmId === null && d.templateId === null && d.status === 'ok',
  );
  const errors: VmFormErrors = touched ? validateVmForm(values, bootsNothing) : {};
  const netName = (p: VnicProfile): string =>
    networks.find((n) => n.id === p.networkId)?.name ?? '?';

  const helper = (text: string | undefined, id: string) =>
    text ? (
      <FormHelperText>
        <HelperText>
          <HelperTextItem variant="error" id={id}>
            {text}
          </HelperTextItem>
        </HelperText>
      </FormHelperText>
    ) : null;

  const save = async (): Promise<void> => {
    setTouched(true);
    setFault(null);
    if (hasErrors(validateVmForm(values, bootsNothing))) return;
    setBusy(true);
    let vm: Vm | null = null;
    let attachedUserDisk = false;
    try {
      setStage('Creating the VM…');
      vm = await client.invoke('AddVm', toAddVmInput(values, clusterId, hasDisks));
      // Disks from a template are made after AddVm returns (thin: at once; clone: a copy).
      for (let i = 0; vm.status === 'image_locked'; i++) {
        setStage(values.clone ? "Copying the template's disks…" : 'Creating the disk overlays…');
        await new Promise((r) => setTimeout(r, Math.min(250 * (i + 1), 2000)));
        vm = await client.invoke('GetVmById', { id: vm.id });
      }
      if (values.diskId !== '') {
        setStage('Attaching the boot disk…');
        await client.invoke('AddDiskAttachment', {
          vmId: vm.id,
          disk: { id: values.diskId },
          bootable: true,
          interface: 'virtio',
          active: true,
        });
        attachedUserDisk = true;
      }
      setStage('Adding network interfaces…');
      for (const [i, n] of values.nics.entries()) {
        await client.invoke('AddVmInterface', {
          vmId: vm.id,
          name: `nic${i + 1}`,
          interface: 'virtio',
          vnicProfileId: n.profileId,
        });
      }
      onCreated(vm);
    } catch (e) {
      setFault(e);
      setBusy(false);
      setStage('');
      // A VM without the disk or NICs the user asked for is not what they wanted: take it
      // back, but never delete the user's own disk with it.
      const made = vm;
      if (made) {
        void client
          .invoke('RemoveVm', { id: made.id, ...(attachedUserDisk ? { detachOnly: true } : {}) })
          .catch(() => undefined);
      }
    }
  };

  const setNic = (i: number, patch: Partial<VmFormValues['nics'][number]>): void => {
    setValues((v) => ({ ...v, nics: v.nics.map((n, j) => (j === i ? { ...n, ...patch } : n)) }));
  };

  return (
    <Modal isOpen variant="medium" onClose={onClose} aria-labelledby="vm-dialog-title">
      <ModalHeader title="New Virtual Machine" labelId="vm-dialog-title" />
      <ModalBody>
        <Form
          id="vm-dialog-form"
          onSubmit={(e) => {
            e.preventDefault();
            void save();
          }}
        >
          <Fault error={fault} title="The VM was not created" />
          <FormSection title="General">
            <FormGroup label="Cluster" fieldId="vm-dialog-cluster">
              <FormSelect
                id="vm-dialog-cluster"
                value={clusterId}
                onChange={(_e, v) => {
                  setClusterId(v);
                }}
              >
                {clusters.map((c) => (
                  <FormSelectOption key={c.id} value={c.id} label={c.name} />
                ))}
              </FormSelect>
            </FormGroup>
            <FormGroup label="Template" fieldId="vm-dialog-template" isRequired>
              <FormSelect
                id="vm-dialog-template"
                value={values.templateId}
                onChange={(_e, v) => {
                  const t = templates.find((x) => x.id === v);
                  setValues((old) => ({
                    ...old,
                    templateId: v,
                    memoryMiB: t ? String(Math.round(t.memoryBytes / 1024 / 1024)) : old.memoryMiB,
                  }));
                }}
              >
                {templates.map((t) => (
                  <FormSelectOption
                    key={t.id}
                    value={t.id}
                    label={t.status === 'ok' ? t.name : `${t.name} (${t.status})`}
                    isDisabled={t.status !== 'ok'}
                  />
                ))}
              </FormSelect>
            </FormGroup>
            <FormGroup label="Name" fieldId="vm-dialog-name" isRequired>
              <TextInput
                id="vm-dialog-name"
                value={values.name}
                validated={errors.name ? 'error' : 'default'}
                onChange={(_e, v) => {
                  setValues((o) => ({ ...o, name: v }));
                }}
              />
              {helper(errors.name, 'vm-dialog-name-error')}
            </FormGroup>
            {hasDisks && (
              <FormGroup fieldId="vm-dialog-clone" label="Disks">
                <Checkbox
                  id="vm-dialog-clone"
                  label="Clone (independent copy)"
                  description={
                    values.clone
                      ? "The template's disks are copied: the VM does not depend on the template, and creating it takes as long as the copy."
                      : "Thin (default): the VM's disks are qcow2 overlays on the template's, created at once; the template cannot be removed while VMs use it."
                  }
                  isChecked={values.clone}
                  onChange={(_e, v) => {
                    setValues((o) => ({ ...o, clone: v }));
                  }}
                />
              </FormGroup>
            )}
            {bootsNothing && (
              <FormGroup label="Boot disk" fieldId="vm-dialog-disk" isRequired>
                <FormSelect
                  id="vm-dialog-disk"
                  value={values.diskId}
                  validated={errors.diskId ? 'error' : 'default'}
                  onChange={(_e, v) => {
                    setValues((o) => ({ ...o, diskId: v }));
                  }}
                >
                  <FormSelectOption
                    value=""
                    label={
                      floating.length ? 'Choose an uploaded or imported disk' : 'No free disks'
                    }
                    isPlaceholder
                  />
                  {floating.map((d) => (
                    <FormSelectOption
                      key={d.id}
                      value={d.id}
                      label={`${d.name} (${formatBytes(d.provisionedSize)}, ${d.format === 'cow' ? 'qcow2' : 'raw'})`}
                    />
                  ))}
                </FormSelect>
                {helper(errors.diskId, 'vm-dialog-disk-error')}
              </FormGroup>
            )}
            <FormGroup label="Memory (MiB)" fieldId="vm-dialog-memory" isRequired>
              <TextInput
                id="vm-dialog-memory"
                type="number"
                value={values.memoryMiB}
                validated={errors.memoryMiB ? 'error' : 'default'}
                onChange={(_e, v) => {
                  setValues((o) => ({ ...o, memoryMiB: v }));
                }}
              />
              {helper(errors.memoryMiB, 'vm-dialog-memory-error')}
            </FormGroup>
          </FormSection>
          <FormSection title="Network interfaces">
            {values.nics.map((n, i) => (
              <Flex key={i} alignItems={{ default: 'alignItemsFlexStart' }}>
                <FlexItem>
                  <FormGroup
                    label={`nic${i + 1} vNIC profile`}
                    fieldId={`vm-dialog-nic${i + 1}-profile`}
                  >
                    <FormSelect
                      id={`vm-dialog-nic${i + 1}-profile`}
                      value={n.profileId}
                      validated={errors.nics?.[i]?.profileId ? 'error' : 'default'}
                      onChange={(_e, v) => {
                        setNic(i, { profileId: v });
                      }}
                    >
                      <FormSelectOption value="" label="Choose a profile" isPlaceholder />
                      {profiles.map((p) => (
                        <FormSelectOption
                          key={p.id}
                          value={p.id}
                          label={`${p.name}/${netName(p)}`}
                        />
                      ))}
                    </FormSelect>
                    {helper(errors.nics?.[i]?.profileId, `vm-dialog-nic${i + 1}-profile-error`)}
                  </FormGroup>
                </FlexItem>
                <FlexItem>
                  <FormGroup label={`eth${i} boot protocol`} fieldId={`vm-dialog-nic${i + 1}-boot`}>
                    <BootProtocolSelect
                      id={`vm-dialog-nic${i + 1}-boot`}
                      label={`Boot protocol of nic${i + 1}`}
                      value={n.bootProtocol ?? 'static'}
                      onChange={(v) => {
                        setNic(i, { bootProtocol: v });
                      }}
                    />
                  </FormGroup>
                </FlexItem>
                <FlexItem>
                  <FormGroup
                    label={`nic${i + 1} static IPv4 address`}
                    fieldId={`vm-dialog-nic${i + 1}-address`}
                  >
                    <TextInput
                      id={`vm-dialog-nic${i + 1}-address`}
                      value={n.address}
                      placeholder="10.90.0.11"
                      isDisabled={(n.bootProtocol ?? 'static') !== 'static'}
                      validated={errors.nics?.[i]?.address ? 'error' : 'default'}
                      onChange={(_e, v) => {
                        setNic(i, { address: v });
                      }}
                    />
                    {helper(errors.nics?.[i]?.address, `vm-dialog-nic${i + 1}-address-error`)}
                  </FormGroup>
                </FlexItem>
                <FlexItem>
                  <FormGroup label={`nic${i + 1} prefix`} fieldId={`vm-dialog-nic${i + 1}-prefix`}>
                    <TextInput
                      id={`vm-dialog-nic${i + 1}-prefix`}
                      value={n.prefix}
                      style={{ width: '5em' }}
                      validated={errors.nics?.[i]?.prefix ? 'error' : 'default'}
                      onChange={(_e, v) => {
                        setNic(i, { prefix: v });
                      }}
                    />
                  </FormGroup>
                </FlexItem>
                <FlexItem>
                  <Button
                    variant="plain"
                    aria-label={`Remove nic${i + 1}`}
                    onClick={() => {
                      setValues((o) => ({ ...o, nics: o.nics.filter((_x, j) => j !== i) }));
                    }}
                  >
                    <MinusCircleIcon />
                  </Button>
                </FlexItem>
              </Flex>
            ))}
            <Button
              variant="link"
              icon={<PlusCircleIcon />}
              id="vm-dialog-add-nic"
              onClick={() => {
                setValues((o) => ({
                  ...o,
                  nics: [...o.nics, { profileId: '', address: '', prefix: '24' }],
                }));
              }}
            >
              Add network interface
            </Button>
          </FormSection>
          <FormSection title="Initial run (cloud-init)">
            <InitialRunFields
              idPrefix="vm-dialog-init"
              values={values.initialRun ?? EMPTY_INITIAL_RUN}
              errors={errors.initialRun ?? {}}
              passwordStored={false}
              onChange={(patch) => {
                setValues((o) => ({
                  ...o,
                  initialRun: { ...(o.initialRun ?? EMPTY_INITIAL_RUN), ...patch },
                }));
              }}
            />
          </FormSection>
        </Form>
      </ModalBody>
      <ModalFooter>
        {busy && stage && (
          <span role="status" id="vm-dialog-stage">
            {stage}
          </span>
        )}
        <Button
          variant="primary"
          type="submit"
          form="vm-dialog-form"
          id="vm-dialog-ok"
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
