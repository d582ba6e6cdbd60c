// SPDX-License-Identifier: Apache-2.0
// Upload image: a local qcow2 or raw file becomes a new disk through oVirt's image transfer
// API and the imageio data plane (see upload.ts), with a progress bar (bytes and rate) and
// Cancel. The disk is sized from the image header read in the browser.
import {
  Alert,
  Button,
  DescriptionList,
  DescriptionListDescription,
  DescriptionListGroup,
  DescriptionListTerm,
  Form,
  FormGroup,
  FormSelect,
  FormSelectOption,
  Modal,
  ModalBody,
  ModalFooter,
  ModalHeader,
  Progress,
  ProgressMeasureLocation,
  TextInput,
} from '@patternfly/react-core';
import { useEffect, useRef, useState } from 'react';

import type { Disk } from '../../../../main/contract/disks';
import type { StorageDomain } from '../../../../main/contract/storage-domains';
import { HttpTransport } from '../../client/http-transport';
import { formatBytes, formatBytesPerSecond } from '../../components/bytes';
import { Fault } from '../../components/Fault';
import { FieldError } from '../../components/FieldError';
import { useClient } from '../../context';
import { DISK_NAME } from './disk-form';
import { detectImageFile, diskNameFromFile, type ImageKind, isIsoFile } from './image-header';
import { UploadCancelled, uploadImage, type UploadProgress, UploadRefused, xhrPut } from './upload';

type State =
  | { kind: 'choosing' }
  | { kind: 'uploading'; progress: UploadProgress }
  | { kind: 'done'; disk: Disk; progress: UploadProgress }
  | { kind: 'failed'; error: unknown; progress: UploadProgress | null };

const PHASE_TEXT: Readonly<Record<UploadProgress['phase'], string>> = {
  'creating disk': 'Creating the disk…',
  'starting transfer': 'Starting the image transfer…',
  transferring: 'Uploading…',
  finalizing: 'Checking the image (qemu-img)…',
  done: 'Uploaded: the disk is ready.',
  failed: 'Failed.',
  cancelled: 'Cancelled.',
};

export function UploadImageDialog({
  domains,
  onClose,
}: {
  domains: readonly StorageDomain[];
  onClose: () => void;
}) {
  const client = useClient();
  const transport = client.transport;
  const urlOf = transport instanceof HttpTransport ? transport : null;
  const [file, setFile] = useState<File | null>(null);
  const [kind, setKind] = useState<ImageKind | null>(null);
  // Issue 16: an ISO 9660 image becomes an ISO disk (content type iso), for CD-ROMs.
  const [iso, setIso] = useState(false);
  const [name, setName] = useState('');
  const [domainId, setDomainId] = useState(domains[0]?.id ?? '');
  const [state, setState] = useState<State>({ kind: 'choosing' });
  const [touched, setTouched] = useState(false);
  const abort = useRef<AbortController | null>(null);
  const nameError = DISK_NAME.test(name.trim())
    ? undefined
    : 'Use letters, digits, dots, hyphens and underscores (at most 64).';

  // Closing the window mid-upload cancels it: nothing is left half-written.
  useEffect(
    () => () => {
      abort.current?.abort();
    },
    [],
  );

  const pick = async (f: File | null): Promise<void> => {
    setFile(f);
    setKind(null);
    if (!f) return;
    setName(diskNameFromFile(f.name));
    setIso(false);
    const detected = await detectImageFile(f);
    setIso(detected.format === 'raw' && (await isIsoFile(f)));
    setKind(detected);
  };

  const start = async (): Promise<void> => {
    setTouched(true);
    if (!file || !kind || kind.format === 'unsupported' || nameError || !urlOf) return;
    const controller = new AbortController();
    abort.current = controller;
    const made: { disk: Disk | null } = { disk: null };
    let last: UploadProgress | null = null;
    setState({
      kind: 'uploading',
      progress: { phase: 'creating disk', sent: 0, total: file.size, rate: 0 },
    });
    try {
      const disk = await uploadImage(
        {
          invoke: (op, input) => client.invoke(op, input),
          put: xhrPut,
          sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
          now: () => performance.now(),
        },
        {
          file,
          kind,
          ...(iso ? { contentType: 'iso' as const } : {}),
          name: name.trim(),
          storageDomainId: domainId,
          transferUrl: (ticket) => urlOf.imageTransferUrl(ticket),
          onProgress: (p) => {
            last = p;
            setState({ kind: 'uploading', progress: p });
          },
          onDisk: (d) => {
            made.disk = d;
          },
          signal: controller.signal,
        },
      );
      setState({
        kind: 'done',
        disk,
        progress: last ?? { phase: 'done', sent: 0, total: 0, rate: 0 },
      });
    } catch (e) {
      setState({ kind: 'failed', error: e, progress: last });
      // The disk was made for this upload only: a failed or cancelled one is of no use.
      if (made.disk) void removeWhenUnlocked(made.disk.id);
    } finally {
      abort.current = null;
    }
  };

  const removeWhenUnlocked = async (id: string): Promise<void> => {
    for (let i = 0; i < 40; i++) {
      const d = await client.invoke('GetDiskById', { id }).catch(() => null);
      if (!d) return;
      if (d.status !== 'locked') {
        await client.invoke('RemoveDisk', { id }).catch(() => undefined);
        return;
      }
      await new Promise((r) => setTimeout(r, 500));
    }
  };

  const progress = state.kind === 'choosing' ? null : state.progress;
  const pct = progress && progress.total > 0 ? (progress.sent / progress.total) * 100 : 0;
  const uploading = state.kind === 'uploading';

  return (
    <Modal
      isOpen
      variant="medium"
      onClose={uploading ? undefined : onClose}
      aria-labelledby="upload-dialog-title"
    >
      <ModalHeader title="Upload image" labelId="upload-dialog-title" />
      <ModalBody>
        {!urlOf && (
          <Alert variant="info" isInline title="Upload works from the web UI">
            This window talks to the engine without HTTP, so it has no image transfer URL. Open the
            web UI (npm run serve), or import the file from a path on this machine.
          </Alert>
        )}
        <Form
          id="upload-dialog-form"
          onSubmit={(e) => {
            e.preventDefault();
            void start();
          }}
        >
          <FormGroup label="Image file" fieldId="upload-dialog-file" isRequired>
            <input
              id="upload-dialog-file"
              type="file"
              accept=".qcow2,.img,.raw,.iso,application/octet-stream"
              disabled={state.kind !== 'choosing' && state.kind !== 'failed'}
              onChange={(e) => {
                void pick(e.currentTarget.files?.[0] ?? null);
              }}
            />
            <FieldError
              text={touched && !file ? 'Choose a qcow2 or raw image file.' : undefined}
              id="upload-dialog-file-error"
            />
          </FormGroup>
          {file && kind && kind.format !== 'unsupported' && (
            <DescriptionList isHorizontal isCompact id="upload-dialog-detected">
              <DescriptionListGroup>
                <DescriptionListTerm>Format</DescriptionListTerm>
                <DescriptionListDescription id="upload-dialog-format">
                  {kind.format === 'qcow2'
                    ? `qcow2 (version ${kind.version})`
                    : iso
                      ? 'ISO image (a CD for VMs: content type iso)'
                      : 'raw'}
                </DescriptionListDescription>
              </DescriptionListGroup>
              <DescriptionListGroup>
                <DescriptionListTerm>Virtual size (the new disk)</DescriptionListTerm>
                <DescriptionListDescription id="upload-dialog-virtual-size">
                  {formatBytes(kind.virtualSize)}
                </DescriptionListDescription>
              </DescriptionListGroup>
              <DescriptionListGroup>
                <DescriptionListTerm>File size (to send)</DescriptionListTerm>
                <DescriptionListDescription>{formatBytes(file.size)}</DescriptionListDescription>
              </DescriptionListGroup>
            </DescriptionList>
          )}
          {kind?.format === 'unsupported' && (
            <Alert variant="danger" isInline title={`This file is ${kind.name}`} role="alert">
              The engine takes qcow2 and raw images. Convert it first, for example with{' '}
              <code>qemu-img convert -O qcow2 in.vmdk out.qcow2</code>.
            </Alert>
          )}
          <FormGroup label="Disk name" fieldId="upload-dialog-name" isRequired>
            <TextInput
              id="upload-dialog-name"
              value={name}
              isDisabled={uploading}
              validated={touched && nameError ? 'error' : 'default'}
              onChange={(_e, v) => {
                setName(v);
              }}
            />
            <FieldError text={touched ? nameError : undefined} id="upload-dialog-name-error" />
          </FormGroup>
          <FormGroup label="Storage domain" fieldId="upload-dialog-domain">
            <FormSelect
              id="upload-dialog-domain"
              value={domainId}
              isDisabled={uploading}
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
        {progress && (
          <div style={{ marginTop: 24 }} id="upload-dialog-progress" data-phase={progress.phase}>
            <Progress
              id="upload-progress"
              value={Math.round(pct)}
              title={state.kind === 'failed' ? 'Upload failed' : PHASE_TEXT[progress.phase]}
              measureLocation={ProgressMeasureLocation.top}
              aria-label="Upload progress"
              label={`${formatBytes(progress.sent)} of ${formatBytes(progress.total)} · ${formatBytesPerSecond(progress.rate)}`}
              {...(state.kind === 'failed'
                ? { variant: 'danger' as const }
                : state.kind === 'done'
                  ? { variant: 'success' as const }
                  : {})}
            />
          </div>
        )}
        {state.kind === 'failed' && (
          <div style={{ marginTop: 16 }} id="upload-dialog-fault">
            {state.error instanceof UploadCancelled ? (
              <Alert variant="info" isInline title="Upload cancelled">
                The transfer was cancelled and its disk removed.
              </Alert>
            ) : (
              <Fault
                error={state.error}
                title={
                  state.error instanceof UploadRefused
                    ? 'The engine refused the image'
                    : 'The upload failed'
                }
              />
            )}
          </div>
        )}
        {state.kind === 'done' && (
          <Alert
            variant="success"
            isInline
            title={`Disk ${state.disk.name} is ready`}
            id="upload-dialog-done"
          >
            Attach it to a VM from the VM&apos;s Disks tab, or choose it in New VM (template Blank).
          </Alert>
        )}
      </ModalBody>
      <ModalFooter>
        {state.kind !== 'done' && (
          <Button
            variant="primary"
            type="submit"
            form="upload-dialog-form"
            id="upload-dialog-ok"
            isLoading={uploading}
            isDisabled={uploading || !urlOf || kind?.format === 'unsupported'}
          >
            Upload
          </Button>
        )}
        {uploading ? (
          <Button
            variant="secondary"
            id="upload-dialog-cancel"
            onClick={() => {
              abort.current?.abort();
            }}
          >
            Cancel upload
          </Button>
        ) : (
          <Button
            variant={state.kind === 'done' ? 'primary' : 'link'}
            id="upload-dialog-close"
            onClick={onClose}
          >
            Close
          </Button>
        )}
      </ModalFooter>
    </Modal>
  );
}
