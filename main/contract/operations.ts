// SPDX-License-Identifier: Apache-2.0
/**
 * THE typed contract: every operation once — name (oVirt's `ActionType`/`QueryType` word),
 * zod input schema, output type, the error codes it may return. IPC, HTTP-RPC and the oVirt
 * REST mapper all go through `Engine.invoke(principal, op, input)` with these names.
 *
 * Schemas check shapes and types only. Value rules that oVirt reports with its own keys
 * (MTU range, name length, `bond` prefix, label format, VLAN range, MAC format) are checked
 * by the engine so the fault carries oVirt's key and category.
 */
import { z } from 'zod';

import { BootDevices, GetVmCdromsInput, UpdateVmCdromInput, type VmCdrom } from './cdroms';
import type { Cluster, ClusterNetwork } from './clusters';
import { CLUSTER_ROLES } from './clusters';
import type { Principal, Statistic } from './common';
import { ById, NoInput, Ref, Uuid } from './common';
import type { DataCenter } from './data-centers';
import type { Disk, DiskAttachment } from './disks';
import { DISK_CONTENT_TYPES, DISK_FORMATS, DISK_INTERFACES } from './disks';
import type { AuditEvent } from './events';
import {
  type GraphicsConsole,
  type GraphicsEndpoint,
  SetVmTicketInput,
  UseGraphicsTicketInput,
  type VmTicket,
} from './graphics';
import {
  AddHostInput,
  type HostEnrollment,
  RemoveHostInput,
  RenewHostEnrollmentInput,
} from './host-lifecycle';
import type { Host, HostNetworkLabel, HostNic } from './hosts';
import type { ImageTransfer, ImageTransferTicket } from './image-transfers';
import { type NetworkIsolationTest, TestNetworkIsolationInput } from './isolation-test';
import {
  AddLabInput,
  type ConnectivityDiagnosis,
  DiagnoseConnectivityInput,
  type Lab,
  LabMemberInput,
  type LabStartJob,
  type LabStopResult,
  StartLabInput,
  UpdateLabInput,
} from './labs';
import type { EngineErrorCode } from './messages';
import type { NetworkAttachment } from './network-attachments';
import type {
  Network,
  NetworkLabel,
  NetworkSegment,
  ReportedDevice,
  VnicProfile,
} from './networks';
import type { OpenStackNetworkProvider, OvnNetworkState } from './ovn';
import { PlacementPolicyInput } from './placement';
import type { Snapshot } from './snapshots';
import type { StorageDomain } from './storage-domains';
import type { Template } from './templates';
import type { User } from './users';
import type { Vm, VmNic } from './vms';
import { Initialization, NIC_INTERFACES } from './vms';

/** Commands change state (audited, locked); queries only read. */
export type OpKind = 'command' | 'query';

/** One row of the table. `output` is a phantom: it carries the type, never a value. */
export interface OpDef<I extends z.ZodTypeAny, O, Kd extends OpKind = OpKind> {
  readonly kind: Kd;
  readonly input: I;
  readonly errors: readonly EngineErrorCode[];
  readonly output?: O;
}

const op =
  <O>() =>
  <Kd extends OpKind, I extends z.ZodTypeAny>(
    kind: Kd,
    input: I,
    errors: readonly EngineErrorCode[] = [],
  ): OpDef<I, O, Kd> => ({ kind, input, errors });

// Errors every operation may return (runner level).
export const COMMON_ERRORS = [
  'INVALID_INPUT',
  'INCOMPLETE_PARAMETERS',
  'ENTITY_NOT_FOUND',
  'USER_NOT_AUTHORIZED_TO_PERFORM_ACTION',
  'ACTION_TYPE_FAILED_OBJECT_LOCKED',
  'ENGINE_INTERNAL_ERROR',
] as const satisfies readonly EngineErrorCode[];

const HOST_ERRORS = [
  'HOST_COMMAND_FAILED',
  'SETUP_NETWORKS_ROLLBACK',
  'HOST_NETWORK_INVALID',
  'HYPERVISOR_UNREACHABLE',
  'HYPERVISOR_ERROR',
  'DOMAIN_NOT_FOUND',
  'HOST_TIMEOUT',
] as const satisfies readonly EngineErrorCode[];

// ── Inputs ─────────────────────────────────────────────────────────────────────────────

const Int = z.number().int();
const ClusterRoleSchema = z.enum(CLUSTER_ROLES);

/** An address plan as sent (shapes only; value rules: `canonicalAddressPlan` in networks.ts). */
export const AddressPlanInputSchema = z
  .object({
    subnet: z
      .object({
        name: z.string().max(256).optional(),
        cidr: z.string().max(64),
        ipVersion: z.enum(['v4', 'v6']).optional(),
        gateway: z.string().max(64).nullable().optional(),
        dnsServers: z.array(z.string().max(64)).max(8).optional(),
      })
      .strict(),
    dhcpRange: z
      .object({ start: z.string().max(64), end: z.string().max(64) })
      .strict()
      .nullable()
      .optional(),
    dnsDomain: z.string().max(253).nullable().optional(),
    serviceAddress: z.string().max(64).optional(),
  })
  .strict();

/** AddNetwork. `vmNetwork` defaults to true (oVirt: absent `usages` = VM network). */
export const AddNetworkInput = z
  .object({
    name: z.string(),
    description: z.string().max(4000).optional(),
    comment: z.string().max(4000).optional(),
    dataCenter: Ref,
    /** 0 or absent = default (1500). Range checked by the engine (MTU_VALUE_INVALID). */
    mtu: Int.optional(),
    vlanId: Int.nullable().optional(),
    stp: z.boolean().optional(),
    vmNetwork: z.boolean().optional(),
    isolated: z.boolean().optional(),
    portIsolation: z.boolean().optional(),
    /** oVirt `profile_required`: create the default vNIC profile (VM networks). Default true. */
    profileRequired: z.boolean().optional(),
    /** Optional label, applied as LabelNetwork would. */
    label: z.string().optional(),
    /** AIO addition (issue 12): DHCP/DNS on an isolated segment; absent or null = off. */
    addressPlan: AddressPlanInputSchema.nullable().optional(),
    /** Issue 17: oVirt `external_provider` (ovirt-provider-ovn): an OVN network across hosts. */
    externalProvider: Ref.optional(),
  })
  .strict();

export const UpdateNetworkInput = z
  .object({
    id: Uuid,
    name: z.string().optional(),
    description: z.string().max(4000).optional(),
    comment: z.string().max(4000).optional(),
    mtu: Int.optional(),
    vlanId: Int.nullable().optional(),
    stp: z.boolean().optional(),
    vmNetwork: z.boolean().optional(),
    isolated: z.boolean().optional(),
    portIsolation: z.boolean().optional(),
    /** AIO addition (issue 12): a new plan, or null to turn the service off; absent = unchanged. */
    addressPlan: AddressPlanInputSchema.nullable().optional(),
  })
  .strict();

export const AttachNetworkToClusterInput = z
  .object({
    cluster: Ref,
    network: Ref,
    /** Default true (oVirt `NetworkCluster()`); `false` is refused for isolated networks. */
    required: z.boolean().optional(),
    roles: z.array(ClusterRoleSchema).optional(),
  })
  .strict();

export const ClusterNetworkKey = z.object({ clusterId: Uuid, networkId: Uuid }).strict();

export const UpdateNetworkOnClusterInput = ClusterNetworkKey.extend({
  required: z.boolean().optional(),
  roles: z.array(ClusterRoleSchema).optional(),
}).strict();

/** One `network_attachment` of a setupnetworks request. No `hostNic` = NIC-less. */
export const AttachmentSpec = z
  .object({
    id: Uuid.optional(),
    network: Ref.optional(),
    hostNic: Ref.optional(),
  })
  .strict();
export type AttachmentSpec = z.input<typeof AttachmentSpec>;

/** A label in setupnetworks: with `hostNic` it labels a NIC, without it labels the host. */
export const LabelSpec = z.object({ id: z.string(), hostNic: Ref.optional() }).strict();

/**
 * HostSetupNetworks. REST maps an id-less attachment whose network is already on the host
 * onto the existing attachment; the engine does the same, so callers need not.
 */
export const HostSetupNetworksInput = z
  .object({
    hostId: Uuid,
    modifiedNetworkAttachments: z.array(AttachmentSpec).default([]),
    removedNetworkAttachments: z.array(AttachmentSpec).default([]),
    /** Attachments to re-apply as the network defines them (oVirt "override configuration"). */
    synchronizedNetworkAttachments: z.array(AttachmentSpec).default([]),
    modifiedLabels: z.array(LabelSpec).default([]),
    removedLabels: z.array(z.object({ id: z.string() }).strict()).default([]),
    /** oVirt default true: roll back on the host if the change fails. */
    checkConnectivity: z.boolean().default(true),
    connectivityTimeout: Int.min(1).max(3600).optional(),
    /** oVirt default false: without it, call CommitNetworkConfig to persist. */
    commitOnSuccess: z.boolean().default(false),
  })
  .strict();

export const HostRef = z.object({ hostId: Uuid }).strict();

export const AddNetworkAttachmentInput = z
  .object({ hostId: Uuid, network: Ref, hostNic: Ref.optional() })
  .strict();
export const HostAttachmentKey = z.object({ hostId: Uuid, id: Uuid }).strict();

export const NetworkLabelInput = z.object({ networkId: Uuid, label: z.string() }).strict();
export const HostLabelInput = z.object({ hostId: Uuid, label: z.string() }).strict();

export const DeactivateHostInput = z
  .object({ hostId: Uuid, reason: z.string().max(4000).optional() })
  .strict();

export const AddVmInput = z
  .object({
    name: z.string(),
    description: z.string().max(4000).optional(),
    cluster: Ref,
    template: Ref,
    memoryBytes: Int.positive().optional(),
    vcpus: Int.positive().optional(),
    /**
     * Deprecated (issue 10 item 9): a disk image to boot from. Accepted only for a file inside
     * a storage domain directory; it is imported (copied) as the VM's bootable disk, exactly
     * as ImportImage with `vmId` would, and never booted in place.
     */
    diskPath: z.string().min(1).optional(),
    initialization: Initialization.optional(),
    /** oVirt `clone=true`: independent copies of the template's disks; default thin overlays. */
    clone: z.boolean().optional(),
    /** Per template disk overrides (oVirt `disk_attachments[].disk`, keyed by template disk id). */
    disks: z.array(z.lazy(() => TemplateDiskOverride)).optional(),
    /** Issue 16: oVirt `os.boot.devices`. */
    bootDevices: BootDevices.optional(),
    /** Issue 17: oVirt `placement_policy` (hosts replace the stored ones; [] clears them). */
    placementPolicy: PlacementPolicyInput.optional(),
  })
  .strict();

export const UpdateVmInput = z
  .object({
    id: Uuid,
    name: z.string().optional(),
    description: z.string().max(4000).optional(),
    memoryBytes: Int.positive().optional(),
    vcpus: Int.positive().optional(),
    /** Deprecated: see AddVmInput.diskPath. `null` is accepted and does nothing. */
    diskPath: z.string().min(1).nullable().optional(),
    initialization: Initialization.nullable().optional(),
    /** Issue 16: oVirt `os.boot.devices`. */
    bootDevices: BootDevices.optional(),
    /** Issue 17: oVirt `placement_policy` (hosts replace the stored ones; [] clears them). */
    placementPolicy: PlacementPolicyInput.optional(),
  })
  .strict();

/** RemoveVm. `detachOnly`: keep the VM's disks as floating disks (oVirt `detach_only`). */
export const RemoveVmInput = z
  .object({ id: Uuid, detachOnly: z.boolean().optional(), force: z.boolean().optional() })
  .strict();

export const AddVmInterfaceInput = z
  .object({
    vmId: Uuid,
    name: z.string().min(1).max(50),
    interface: z.enum(NIC_INTERFACES).default('virtio'),
    /** Null or absent = unwired. */
    vnicProfileId: Uuid.nullable().optional(),
    /** Absent = allocated from the engine's MAC pool. Format checked by the engine. */
    mac: z.string().optional(),
    linked: z.boolean().default(true),
  })
  .strict();

export const UpdateVmInterfaceInput = z
  .object({
    vmId: Uuid,
    id: Uuid,
    name: z.string().min(1).max(50).optional(),
    interface: z.enum(NIC_INTERFACES).optional(),
    vnicProfileId: Uuid.nullable().optional(),
    linked: z.boolean().optional(),
  })
  .strict();

export const VmNicKey = z.object({ vmId: Uuid, id: Uuid }).strict();

/**
 * RunVm. `initialization` overrides the VM's stored one for this run (oVirt run-once with
 * `use_cloud_init=true`); for `tiny` VMs the addresses go on the guest's kernel command line.
 */
export const RunVmInput = z
  .object({
    id: Uuid,
    useCloudInit: z.boolean().optional(),
    initialization: Initialization.optional(),
    /** Issue 16 run once: boot order for this start only (oVirt `vm.os.boot.devices`). */
    bootDevices: BootDevices.optional(),
    /** Issue 16 run once: an ISO disk in the CD-ROM for this start only (`vm.cdroms[0].file`). */
    cdromFileId: Uuid.optional(),
    /** Issue 17 run once: `vm.placement_policy.hosts`, the first is the destination host. */
    placementPolicy: PlacementPolicyInput.optional(),
  })
  .strict();

export const StopVmInput = z.object({ id: Uuid, reason: z.string().max(4000).optional() }).strict();

export const AddVnicProfileInput = z
  .object({
    name: z.string().min(1).max(50),
    networkId: Uuid,
    description: z.string().max(4000).optional(),
  })
  .strict();

export const GetAllNetworksInput = z.object({ dataCenterId: Uuid.optional() }).strict();
export const NetworkIdInput = z.object({ networkId: Uuid }).strict();
export const ClusterIdInput = z.object({ clusterId: Uuid }).strict();
export const VmIdInput = z.object({ vmId: Uuid }).strict();
export const HostNicKey = z.object({ hostId: Uuid, nicId: Uuid }).strict();
export const GetNetworkAttachmentsInput = z
  .object({ hostId: Uuid, nicId: Uuid.optional() })
  .strict();
export const GetEventByIdInput = z.object({ id: Int.positive() }).strict();
export const GetEventsInput = z
  .object({
    /** Only events with a larger id (polling). */
    after: Int.nonnegative().optional(),
    max: Int.positive().max(10000).optional(),
  })
  .strict();

// ── Storage inputs (issue 11) ──────────────────────────────────────────────────────────

const Bytes = Int.nonnegative();
const DiskFormat = z.enum(DISK_FORMATS);
const DiskInterface = z.enum(DISK_INTERFACES);

/**
 * AddStorageDomain (`POST /storagedomains`). Only `data`/`localfs`. The domain is attached
 * to the host's (local) data center, as oVirt's AddLocalStorageDomainCommand does; the first
 * data domain of a data center is its master.
 */
export const AddStorageDomainInput = z
  .object({
    name: z.string(),
    description: z.string().max(4000).optional(),
    comment: z.string().max(4000).optional(),
    type: z.enum(['data']).default('data'),
    storage: z
      .object({
        type: z.enum(['localfs']),
        /** Absolute directory on the host; created when missing. */
        path: z.string().min(1),
      })
      .strict(),
    /** oVirt requires the host; optional here (there is one). */
    host: Ref.optional(),
    /** Default: the host's data center. */
    dataCenter: Ref.optional(),
    warningLowSpaceIndicator: Int.min(0).max(100).optional(),
    criticalSpaceActionBlocker: Int.min(0).optional(),
  })
  .strict();

/** RemoveStorageDomain. Only an empty domain; `destroy`/`format` accepted (files stay either way). */
export const RemoveStorageDomainInput = z
  .object({
    id: Uuid,
    host: Ref.optional(),
    format: z.boolean().optional(),
    destroy: z.boolean().optional(),
  })
  .strict();

export const StorageDomainIdInput = z.object({ storageDomainId: Uuid }).strict();

/** The disk part of AddDisk / AddDiskAttachment (oVirt `types/Disk.java` as input). */
export const DiskSpec = z
  .object({
    /** A client-supplied id is honoured (oVirt). */
    id: Uuid.optional(),
    name: z.string(),
    description: z.string().max(4000).optional(),
    format: DiskFormat,
    /** Default: true for cow, false for raw. */
    sparse: z.boolean().optional(),
    provisionedSize: Bytes,
    /** Accepted and ignored (file storage allocates on write). */
    initialSize: Bytes.optional(),
    storageDomain: Ref,
    contentType: z.enum(DISK_CONTENT_TYPES).optional(),
    /** Only false is supported. */
    shareable: z.boolean().optional(),
    wipeAfterDelete: z.boolean().optional(),
  })
  .strict();

/** AddDisk (`POST /disks`): a floating disk; `locked` until its volume exists, then `ok`. */
export const AddDiskInput = DiskSpec;

/** UpdateDisk (`PUT /disks/{id}`): rename, describe, extend (never shrink). */
export const UpdateDiskInput = z
  .object({
    id: Uuid,
    name: z.string().optional(),
    description: z.string().max(4000).optional(),
    provisionedSize: Bytes.optional(),
    wipeAfterDelete: z.boolean().optional(),
  })
  .strict();

/**
 * AddDiskAttachment (`POST /vms/{id}/diskattachments`). `disk.id` of an existing disk
 * attaches it; otherwise a new disk is created from `disk` (DiskSpec) and attached. oVirt:
 * `active` omitted on attach of an existing disk = not plugged; on a new disk = plugged.
 */
export const AddDiskAttachmentInput = z
  .object({
    vmId: Uuid,
    disk: z.union([z.object({ id: Uuid }).strict(), DiskSpec]),
    interface: DiskInterface.default('virtio'),
    bootable: z.boolean().default(false),
    active: z.boolean().optional(),
    readOnly: z.boolean().default(false),
    passDiscard: z.boolean().default(false),
  })
  .strict();

/**
 * UpdateDiskAttachment (`PUT /vms/{v}/diskattachments/{id}`): attachment fields while the
 * VM is down; `disk.name`/`disk.provisionedSize` as UpdateDisk (extend works while running).
 */
export const UpdateDiskAttachmentInput = z
  .object({
    vmId: Uuid,
    id: Uuid,
    interface: DiskInterface.optional(),
    bootable: z.boolean().optional(),
    active: z.boolean().optional(),
    readOnly: z.boolean().optional(),
    passDiscard: z.boolean().optional(),
    disk: z
      .object({
        name: z.string().optional(),
        description: z.string().max(4000).optional(),
        provisionedSize: Bytes.optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

/** DetachDiskFromVm (`DELETE /vms/{v}/diskattachments/{id}`); `detachOnly` default true. */
export const DetachDiskFromVmInput = z
  .object({ vmId: Uuid, id: Uuid, detachOnly: z.boolean().default(true) })
  .strict();

export const DiskAttachmentKey = z.object({ vmId: Uuid, id: Uuid }).strict();
export const TemplateIdInput = z.object({ templateId: Uuid }).strict();

/** Per-disk override when copying a template's or VM's disks (keyed by the source disk id). */
export const TemplateDiskOverride = z
  .object({
    id: Uuid,
    name: z.string().optional(),
    format: DiskFormat.optional(),
    sparse: z.boolean().optional(),
    storageDomain: Ref.optional(),
  })
  .strict();

/**
 * AddVmTemplate (`POST /templates`): from a down VM; its disks are copied (collapsed) into
 * the template's own disks. `locked` (VM `image_locked`) until the copies finish, then `ok`.
 */
export const AddVmTemplateInput = z
  .object({
    name: z.string(),
    description: z.string().max(4000).optional(),
    vm: Ref,
    disks: z.array(TemplateDiskOverride).optional(),
    /** Accepted; sealing (virt-sysprep) is not done. */
    seal: z.boolean().optional(),
    /** A new version of an existing base template (oVirt `version.base_template`). */
    version: z
      .object({ baseTemplate: Ref, versionName: z.string().max(255).optional() })
      .strict()
      .optional(),
    /** cloud-init data of the template; absent = the VM's (oVirt copies it). */
    initialization: Initialization.optional(),
  })
  .strict();

/**
 * UpdateVmTemplate (`PUT /templates/{id}`, oVirt UpdateVmTemplateCommand): name (base
 * templates only; their versions follow), description, version name, memory and vCPUs.
 */
export const UpdateVmTemplateInput = z
  .object({
    id: Uuid,
    name: z.string().optional(),
    description: z.string().max(4000).optional(),
    versionName: z.string().max(255).optional(),
    memoryBytes: Int.positive().optional(),
    vcpus: Int.positive().optional(),
  })
  .strict();

/** CloneVm (`POST /vms/{id}/clone`): a down VM's disks copied (collapsed) into a new VM. */
export const CloneVmInput = z
  .object({
    id: Uuid,
    name: z.string(),
    storageDomain: Ref.optional(),
    /** oVirt default true (the chain is collapsed); false is accepted and collapses too. */
    discardSnapshots: z.boolean().optional(),
  })
  .strict();

/**
 * CreateSnapshot (`POST /vms/{id}/snapshots`), disk-only on a down or running VM: the VM's
 * current volumes freeze and new overlays become active. Memory is never saved, whatever
 * `persistMemoryState` says (the snapshot reports false).
 */
export const CreateSnapshotInput = z
  .object({
    vmId: Uuid,
    description: z.string(),
    persistMemoryState: z.boolean().optional(),
    /** Disks to include (default all; an empty list = configuration only). */
    diskIds: z.array(Uuid).optional(),
  })
  .strict();

export const SnapshotKey = z.object({ vmId: Uuid, id: Uuid }).strict();

/** RestoreSnapshot (`POST /vms/{v}/snapshots/{s}/restore`): VM down; disks back to the snapshot. */
export const RestoreSnapshotInput = z
  .object({ vmId: Uuid, id: Uuid, restoreMemory: z.boolean().optional() })
  .strict();

/**
 * AddImageTransfer (`POST /imagetransfers`). `image.id` is oVirt's deprecated spelling of the
 * disk id. `format` is the format of the bytes on the wire (default: the disk's format).
 */
export const AddImageTransferInput = z
  .object({
    disk: z.object({ id: Uuid }).strict().optional(),
    image: z.object({ id: Uuid }).strict().optional(),
    snapshot: z.object({ id: Uuid }).strict().optional(),
    direction: z.enum(['upload', 'download']).default('upload'),
    format: DiskFormat.optional(),
    inactivityTimeout: Int.min(1).max(86400).optional(),
    timeoutPolicy: z.enum(['legacy', 'pause', 'cancel']).optional(),
    shallow: z.boolean().optional(),
    host: Ref.optional(),
  })
  .strict();

/**
 * GetImageTransferTicket: the data plane asks for every request. `transferred` (bytes it has
 * moved so far) is remembered by the engine and shown as the transfer's `transferred`; the
 * call also restarts the inactivity timer. Unknown/ended tickets: ENTITY_NOT_FOUND (403).
 */
export const GetImageTransferTicketInput = z
  .object({ ticket: z.string().min(1).max(100), transferred: Bytes.optional() })
  .strict();

/**
 * ImportImage: an image file already on this machine, copied (converted to `format`) into a
 * new disk with progress; `locked` until done. The file must be inside a storage domain
 * directory (e.g. `<domain path>/import/`): the API never reads arbitrary host files.
 * With `vmId` the disk is attached to that (down) VM, bootable by default.
 */
export const ImportImageInput = z
  .object({
    path: z.string().min(1).max(4096),
    name: z.string(),
    description: z.string().max(4000).optional(),
    /** Default: the domain holding `path`, else `local`. */
    storageDomain: Ref.optional(),
    /** Target disk format; default cow. */
    format: DiskFormat.optional(),
    sparse: z.boolean().optional(),
    vmId: Uuid.optional(),
    bootable: z.boolean().optional(),
    interface: DiskInterface.optional(),
  })
  .strict();

// ── The table ──────────────────────────────────────────────────────────────────────────

const NET_DEF_ERRORS = [
  'ACTION_TYPE_FAILED_NAME_MAY_NOT_BE_EMPTY',
  'ACTION_TYPE_FAILED_NAME_LENGTH_IS_TOO_LONG',
  'NETWORK_CANNOT_CONTAIN_BOND_NAME',
  'ACTION_TYPE_FAILED_NETWORK_NAME_IN_USE',
  'NETWORK_NAME_USED_AS_VDSM_NETWORK_NAME',
  'MTU_VALUE_INVALID',
  'ACTION_TYPE_FAILED_NETWORK_MTU_EXCEEDS_HOST_CAPABILITY',
  'NETWORK_VLAN_OUT_OF_RANGE',
  'NON_VM_NETWORK_CANNOT_SUPPORT_STP',
  'NON_VM_NETWORK_CANNOT_SUPPORT_PORT_ISOLATION',
  'ACTION_TYPE_FAILED_ISOLATED_NETWORK_MUST_BE_VM_NETWORK',
  'ACTION_TYPE_FAILED_ISOLATED_NETWORK_CANNOT_HAVE_VLAN',
  'ACTION_TYPE_FAILED_ISOLATED_NETWORK_CANNOT_HAVE_STP',
  'ACTION_TYPE_FAILED_ISOLATED_NETWORK_CANNOT_HAVE_PORT_ISOLATION',
  'NETWORK_ON_HOST_NAME_INVALID',
  'ACTION_TYPE_FAILED_NETWORK_NAME_USED_BY_HOST_DEVICE',
] as const satisfies readonly EngineErrorCode[];

const SETUP_ERRORS = [
  'ACTION_TYPE_FAILED_HOST_NOT_EXIST',
  'ACTION_TYPE_FAILED_VDS_STATUS_ILLEGAL',
  'MODIFIED_NETWORK_ATTACHMENT_DOES_NOT_EXISTS',
  'NETWORK_ATTACHMENT_NETWORK_ID_OR_NAME_IS_NOT_SET',
  'NETWORK_HAVING_ID_NOT_EXISTS',
  'NETWORK_HAVING_NAME_NOT_EXISTS',
  'NETWORK_ATTACHMENT_REFERENCES_NETWORK_INCOHERENTLY',
  'NETWORK_ATTACHMENT_IN_BOTH_LISTS',
  'ATTACHMENT_IS_NOT_REUSED',
  'NETWORK_OF_GIVEN_NAME_NOT_EXISTS_IN_CLUSTER',
  'HOST_NETWORK_INTERFACE_DOES_NOT_HAVE_NAME_SET',
  'HOST_NETWORK_INTERFACE_HAVING_ID_OR_NAME_DOES_NOT_EXIST',
  'ACTION_TYPE_FAILED_ISOLATED_NETWORK_CANNOT_BE_ATTACHED_TO_NIC',
  'ACTION_TYPE_FAILED_ISOLATED_NETWORK_REQUIRED_BY_CLUSTER',
  'CANNOT_CHANGE_ATTACHED_NETWORK',
  'NETWORK_ATTACHMENTS_TO_BE_REMOVED_DOES_NOT_EXISTS',
  'NETWORK_CANNOT_DETACH_NETWORK_USED_BY_VMS',
  'ACTION_TYPE_FAILED_NETWORK_ATTACHMENTS_REFERENCES_SAME_NETWORK_DUPLICATELY',
  'NETWORK_INTERFACES_NOT_EXCLUSIVELY_USED_BY_UNTAGGED_NETWORK',
  'ACTION_TYPE_FAILED_NETWORK_MTU_EXCEEDS_HOST_CAPABILITY',
  'NETWORK_NOT_IN_SYNC',
  'NETWORK_LABEL_FORMAT_INVALID',
  'HOST_LABEL_ALREADY_EXISTS',
  'LABEL_NOT_EXIST_IN_HOST',
  'OTHER_INTERFACE_ALREADY_LABELED',
  'PARAMS_CONTAIN_DUPLICATE_LABELS',
  'ACTION_TYPE_FAILED_NETWORK_VLAN_NOT_SUPPORTED_ON_HOST',
  ...HOST_ERRORS,
] as const satisfies readonly EngineErrorCode[];

const VM_NIC_ERRORS = [
  'NETWORK_INTERFACE_NAME_ALREADY_IN_USE',
  'NETWORK_MAC_ADDRESS_IN_USE',
  'ACTION_TYPE_FAILED_NETWORK_NOT_IN_CLUSTER',
  'ACTION_TYPE_FAILED_NOT_A_VM_NETWORK',
  'ACTION_TYPE_FAILED_VNIC_PROFILE_NOT_EXISTS',
  'ACTION_TYPE_FAILED_VM_IS_RUNNING',
  'INVALID_INPUT',
  'ACTION_TYPE_FAILED_VNIC_CROSSES_LAB',
] as const satisfies readonly EngineErrorCode[];

const STORAGE_HOST_ERRORS = [
  'STORAGE_DOMAIN_SPACE_LOW',
  'STORAGE_PATH_INVALID',
  'VOLUME_CORRUPT',
  'VOLUME_NOT_FOUND',
  'VOLUME_EXISTS',
  ...HOST_ERRORS,
] as const satisfies readonly EngineErrorCode[];

const DISK_DEF_ERRORS = [
  'ACTION_TYPE_FAILED_NAME_MAY_NOT_BE_EMPTY',
  'ACTION_TYPE_FAILED_NAME_LENGTH_IS_TOO_LONG',
  'ACTION_TYPE_FAILED_STORAGE_DOMAIN_NOT_EXIST',
  'ACTION_TYPE_FAILED_STORAGE_DOMAIN_STATUS_ILLEGAL',
  'ACTION_TYPE_FAILED_DISK_SPACE_LOW_ON_STORAGE_DOMAIN',
  'ACTION_TYPE_FAILED_DISK_MAX_SIZE_EXCEEDED',
  'ACTION_TYPE_FAILED_DISK_CONFIGURATION_NOT_SUPPORTED',
  'ACTION_TYPE_FAILED_SHAREABLE_DISK_NOT_SUPPORTED',
  'ACTION_TYPE_FAILED_NAME_ALREADY_USED',
  ...STORAGE_HOST_ERRORS,
] as const satisfies readonly EngineErrorCode[];

const VM_DISK_ERRORS = [
  'ACTION_TYPE_FAILED_VM_IS_NOT_DOWN',
  'ACTION_TYPE_FAILED_VM_IMAGE_IS_LOCKED',
  'ACTION_TYPE_FAILED_VM_IS_DURING_SNAPSHOT',
  'ACTION_TYPE_FAILED_DISKS_LOCKED',
  'ACTION_TYPE_FAILED_DISKS_ILLEGAL',
  'ACTION_TYPE_FAILED_DISK_IS_BEING_TRANSFERRED',
] as const satisfies readonly EngineErrorCode[];

/** Address plan faults (issue 12). */
const ADDRESS_PLAN_ERRORS = [
  'ACTION_TYPE_FAILED_ADDRESS_PLAN_INVALID',
  'ACTION_TYPE_FAILED_ADDRESS_PLAN_REQUIRES_ISOLATED_NETWORK',
] as const satisfies readonly EngineErrorCode[];

export const operations = {
  // Networks (data-center level)
  AddNetwork: op<Network>()('command', AddNetworkInput, [
    ...NET_DEF_ERRORS,
    'ACTION_TYPE_FAILED_PROVIDER_DOESNT_EXIST',
    'ACTION_TYPE_FAILED_NETWORK_MTU_EXCEEDS_TUNNEL',
    ...ADDRESS_PLAN_ERRORS,
    'ACTION_TYPE_FAILED_STORAGE_POOL_NOT_EXIST',
    'NETWORK_LABEL_FORMAT_INVALID',
  ]),
  UpdateNetwork: op<Network>()('command', UpdateNetworkInput, [
    ...NET_DEF_ERRORS,
    ...ADDRESS_PLAN_ERRORS,
    'ACTION_TYPE_FAILED_NETWORK_ISOLATION_CANNOT_BE_CHANGED_WHILE_ATTACHED',
    'ACTION_TYPE_FAILED_NETWORK_PORT_ISOLATION_CANNOT_BE_CHANGED',
    'ACTION_TYPE_FAILED_NETWORK_IN_ONE_USE',
    'ACTION_TYPE_FAILED_NETWORK_IN_MANY_USES',
    'ACTION_TYPE_FAILED_NETWORK_VLAN_NOT_SUPPORTED_ON_HOST',
    ...HOST_ERRORS,
  ]),
  RemoveNetwork: op<null>()('command', ById, [
    'ACTION_TYPE_FAILED_NETWORK_IN_ONE_USE',
    'ACTION_TYPE_FAILED_NETWORK_IN_MANY_USES',
    'NETWORK_CANNOT_DETACH_NETWORK_USED_BY_VMS',
    ...HOST_ERRORS,
  ]),
  LabelNetwork: op<NetworkLabel>()('command', NetworkLabelInput, [
    'NETWORK_LABEL_FORMAT_INVALID',
    'ACTION_TYPE_FAILED_NETWORK_ALREADY_LABELED',
    'ACTION_TYPE_FAILED_NETWORK_VLAN_NOT_SUPPORTED_ON_HOST',
    ...HOST_ERRORS,
  ]),
  UnlabelNetwork: op<null>()('command', NetworkLabelInput, [
    'ACTION_TYPE_FAILED_NETWORK_NOT_LABELED',
    'NETWORK_CANNOT_DETACH_NETWORK_USED_BY_VMS',
    ...HOST_ERRORS,
  ]),
  AddVnicProfile: op<VnicProfile>()('command', AddVnicProfileInput, [
    'ACTION_TYPE_FAILED_CANNOT_ADD_VNIC_PROFILE_TO_NON_VM_NETWORK',
    'ACTION_TYPE_FAILED_VNIC_PROFILE_NAME_IN_USE',
  ]),
  RemoveVnicProfile: op<null>()('command', ById, ['ACTION_TYPE_FAILED_VNIC_PROFILE_IN_USE']),
  /** NEW (issue 13 item 7): probes on the segment check isolation (B1) and the MTU (B2). */
  TestNetworkIsolation: op<NetworkIsolationTest>()('command', TestNetworkIsolationInput, [
    'ACTION_TYPE_FAILED_HOST_NOT_EXIST',
    'ACTION_TYPE_FAILED_VDS_STATUS_ILLEGAL',
    'ACTION_TYPE_FAILED_ISOLATION_TEST_NETWORK_NOT_ISOLATED',
    'ACTION_TYPE_FAILED_ISOLATION_TEST_NETWORK_NOT_ON_HOST',
    ...HOST_ERRORS,
  ]),

  // Clusters
  AttachNetworkToCluster: op<ClusterNetwork>()('command', AttachNetworkToClusterInput, [
    'VDS_CLUSTER_IS_NOT_VALID',
    'NETWORK_NOT_EXISTS',
    'NETWORK_ALREADY_ATTACHED_TO_CLUSTER',
    'ACTION_TYPE_FAILED_NETWORK_FROM_DIFFERENT_DC',
    'ACTION_TYPE_FAILED_ISOLATED_NETWORK_MUST_BE_REQUIRED',
    'ACTION_TYPE_FAILED_ISOLATED_NETWORK_CANNOT_HAVE_ROLES',
    'ACTION_TYPE_FAILED_NETWORK_MTU_EXCEEDS_HOST_CAPABILITY',
    'NETWORK_ATTACHMENT_REFERENCES_NETWORK_INCOHERENTLY',
    ...HOST_ERRORS,
  ]),
  DetachNetworkFromCluster: op<null>()('command', ClusterNetworkKey, [
    'NETWORK_NOT_EXISTS_IN_CLUSTER',
    'NETWORK_CANNOT_DETACH_NETWORK_USED_BY_VMS',
    'ACTION_TYPE_FAILED_NETWORK_IN_ONE_USE',
    'ACTION_TYPE_FAILED_NETWORK_IN_MANY_USES',
    ...HOST_ERRORS,
  ]),
  UpdateNetworkOnCluster: op<ClusterNetwork>()('command', UpdateNetworkOnClusterInput, [
    'NETWORK_NOT_EXISTS_IN_CLUSTER',
    'ACTION_TYPE_FAILED_ISOLATED_NETWORK_MUST_BE_REQUIRED',
    'ACTION_TYPE_FAILED_ISOLATED_NETWORK_CANNOT_HAVE_ROLES',
  ]),

  // Hosts
  HostSetupNetworks: op<NetworkAttachment[]>()('command', HostSetupNetworksInput, SETUP_ERRORS),
  CommitNetworkConfig: op<null>()('command', HostRef, [
    'ACTION_TYPE_FAILED_VDS_STATUS_ILLEGAL',
    ...HOST_ERRORS,
  ]),
  AddNetworkAttachment: op<NetworkAttachment>()('command', AddNetworkAttachmentInput, SETUP_ERRORS),
  RemoveNetworkAttachment: op<null>()('command', HostAttachmentKey, SETUP_ERRORS),
  AddHostNetworkLabel: op<HostNetworkLabel>()('command', HostLabelInput, SETUP_ERRORS),
  RemoveHostNetworkLabel: op<null>()('command', HostLabelInput, SETUP_ERRORS),
  ActivateHost: op<Host>()('command', HostRef, [
    'ACTION_TYPE_FAILED_VDS_STATUS_ILLEGAL',
    ...HOST_ERRORS,
  ]),
  DeactivateHost: op<Host>()('command', DeactivateHostInput, [
    'ACTION_TYPE_FAILED_VDS_STATUS_ILLEGAL',
    'VDS_CANNOT_MAINTENANCE_VDS_RUNNING_VMS',
  ]),
  // Issue 17: remote hosts (oVirt AddVds / RemoveVds), enrolled with a one-time token.
  AddHost: op<HostEnrollment>()('command', AddHostInput, [
    'ACTION_TYPE_FAILED_NAME_ALREADY_USED',
    'ACTION_TYPE_FAILED_VDS_WITH_SAME_HOST_EXIST',
    'ACTION_TYPE_FAILED_HOST_ADDRESS_INVALID',
    'ACTION_TYPE_FAILED_NAME_LENGTH_IS_TOO_LONG',
  ]),
  RemoveHost: op<null>()('command', RemoveHostInput, [
    'VDS_CANNOT_REMOVE_VDS_STATUS_ILLEGAL',
    'VDS_CANNOT_REMOVE_LOCAL_HOST',
    'VDS_CANNOT_REMOVE_HOST_WITH_VMS',
  ]),
  RenewHostEnrollment: op<HostEnrollment>()('command', RenewHostEnrollmentInput, [
    'VDS_CANNOT_REMOVE_LOCAL_HOST',
  ]),

  // VMs
  AddVm: op<Vm>()('command', AddVmInput, [
    'ACTION_TYPE_FAILED_NAME_MAY_NOT_BE_EMPTY',
    'ACTION_TYPE_FAILED_NAME_LENGTH_IS_TOO_LONG',
    'ACTION_TYPE_FAILED_NAME_ALREADY_USED',
    'VDS_CLUSTER_IS_NOT_VALID',
    'ACTION_TYPE_FAILED_TEMPLATE_DOES_NOT_EXIST',
    'ACTION_TYPE_FAILED_INVALID_MEMORY',
    'ACTION_TYPE_FAILED_INVALID_VCPUS',
    'VM_TEMPLATE_IMAGE_IS_LOCKED',
    'VM_TEMPLATE_IMAGE_IS_ILLEGAL',
    'ACTION_TYPE_FAILED_DISK_NOT_OF_SOURCE',
    'ACTION_TYPE_FAILED_IMAGE_PATH_NOT_IN_STORAGE_DOMAIN',
    ...DISK_DEF_ERRORS,
    'ACTION_TYPE_FAILED_DEDICATED_VDS_DOES_NOT_EXIST',
    'ACTION_TYPE_FAILED_DEDICATED_VDS_NOT_IN_SAME_CLUSTER',
  ]),
  UpdateVm: op<Vm>()('command', UpdateVmInput, [
    'ACTION_TYPE_FAILED_NAME_MAY_NOT_BE_EMPTY',
    'ACTION_TYPE_FAILED_NAME_LENGTH_IS_TOO_LONG',
    'ACTION_TYPE_FAILED_NAME_ALREADY_USED',
    'ACTION_TYPE_FAILED_INVALID_MEMORY',
    'ACTION_TYPE_FAILED_INVALID_VCPUS',
    'ACTION_TYPE_FAILED_VM_IS_RUNNING',
    'ACTION_TYPE_FAILED_VM_IMAGE_IS_LOCKED',
    'ACTION_TYPE_FAILED_DEDICATED_VDS_DOES_NOT_EXIST',
    'ACTION_TYPE_FAILED_DEDICATED_VDS_NOT_IN_SAME_CLUSTER',
  ]),
  RemoveVm: op<null>()('command', RemoveVmInput, [
    'ACTION_TYPE_FAILED_VM_IS_RUNNING',
    ...VM_DISK_ERRORS,
    ...STORAGE_HOST_ERRORS,
  ]),
  /** oVirt CloneVm: the VM must be down; its disks are copied (status image_locked meanwhile). */
  CloneVm: op<Vm>()('command', CloneVmInput, [
    'ACTION_TYPE_FAILED_NAME_MAY_NOT_BE_EMPTY',
    'ACTION_TYPE_FAILED_NAME_LENGTH_IS_TOO_LONG',
    'ACTION_TYPE_FAILED_NAME_ALREADY_USED',
    'ACTION_TYPE_FAILED_STORAGE_DOMAIN_NOT_EXIST',
    'ACTION_TYPE_FAILED_DISK_SPACE_LOW_ON_STORAGE_DOMAIN',
    ...VM_DISK_ERRORS,
    ...STORAGE_HOST_ERRORS,
  ]),
  AddVmInterface: op<VmNic>()('command', AddVmInterfaceInput, VM_NIC_ERRORS),
  UpdateVmInterface: op<VmNic>()('command', UpdateVmInterfaceInput, VM_NIC_ERRORS),
  RemoveVmInterface: op<null>()('command', VmNicKey, ['ACTION_TYPE_FAILED_VM_IS_RUNNING']),
  RunVm: op<Vm>()('command', RunVmInput, [
    'ACTION_TYPE_FAILED_VM_IS_RUNNING',
    'ACTION_TYPE_FAILED_VM_IMAGE_IS_LOCKED',
    'ACTION_TYPE_FAILED_DISKS_LOCKED',
    'ACTION_TYPE_FAILED_DISKS_ILLEGAL',
    'ACTION_TYPE_FAILED_DISK_IS_BEING_TRANSFERRED',
    'VM_CANNOT_RUN_FROM_DISK_WITHOUT_DISK',
    'ACTION_TYPE_FAILED_CDROM_FILE_NOT_ISO',
    'ACTION_TYPE_FAILED_DISK_NOT_EXIST',
    'SCHEDULING_ALL_HOSTS_FILTERED_OUT',
    'ACTION_TYPE_FAILED_NIC_CONFIGURATION_UNKNOWN_NIC',
    'SCHEDULING_NO_HOST_SATISFIES',
    'ACTION_TYPE_FAILED_DEDICATED_VDS_DOES_NOT_EXIST',
    'ACTION_TYPE_FAILED_DEDICATED_VDS_NOT_IN_SAME_CLUSTER',
    ...HOST_ERRORS,
  ]),
  /** Issue 16: insert/eject the VM's CD-ROM (oVirt ChangeDisk; `current` = the running VM). */
  UpdateVmCdrom: op<VmCdrom>()('command', UpdateVmCdromInput, [
    'ACTION_TYPE_FAILED_CDROM_FILE_NOT_ISO',
    'ACTION_TYPE_FAILED_DISK_NOT_EXIST',
    'ACTION_TYPE_FAILED_DISKS_LOCKED',
    'ACTION_TYPE_FAILED_DISKS_ILLEGAL',
    'ACTION_TYPE_FAILED_VM_IS_NOT_RUNNING',
    ...HOST_ERRORS,
  ]),
  StopVm: op<Vm>()('command', StopVmInput, [
    'ACTION_TYPE_FAILED_VM_IS_NOT_RUNNING',
    ...HOST_ERRORS,
  ]),
  ShutdownVm: op<Vm>()('command', StopVmInput, [
    'ACTION_TYPE_FAILED_VM_IS_NOT_RUNNING',
    ...HOST_ERRORS,
  ]),

  // Storage domains, disks, templates, snapshots, image transfers (issue 11)
  AddStorageDomain: op<StorageDomain>()('command', AddStorageDomainInput, [
    'ACTION_TYPE_FAILED_NAME_MAY_NOT_BE_EMPTY',
    'ACTION_TYPE_FAILED_NAME_LENGTH_IS_TOO_LONG',
    'ACTION_TYPE_FAILED_STORAGE_DOMAIN_NAME_ALREADY_EXIST',
    'ACTION_TYPE_FAILED_STORAGE_CONNECTION_ALREADY_EXISTS',
    'VALIDATION_STORAGE_CONNECTION_INVALID',
    'ACTION_TYPE_FAILED_STORAGE_POOL_NOT_EXIST',
    'ACTION_TYPE_FAILED_STORAGE_POOL_IS_NOT_LOCAL',
    'ACTION_TYPE_FAILED_HOST_NOT_EXIST',
    ...STORAGE_HOST_ERRORS,
  ]),
  RemoveStorageDomain: op<null>()('command', RemoveStorageDomainInput, [
    'ACTION_TYPE_FAILED_STORAGE_DOMAIN_CONTAINS_DISKS',
  ]),
  AddDisk: op<Disk>()('command', AddDiskInput, DISK_DEF_ERRORS),
  UpdateDisk: op<Disk>()('command', UpdateDiskInput, [
    'ACTION_TYPE_FAILED_NAME_MAY_NOT_BE_EMPTY',
    'ACTION_TYPE_FAILED_NAME_LENGTH_IS_TOO_LONG',
    'ACTION_TYPE_FAILED_REQUESTED_DISK_SIZE_IS_TOO_SMALL',
    'ACTION_TYPE_FAILED_DISK_MAX_SIZE_EXCEEDED',
    'ACTION_TYPE_FAILED_DISK_SPACE_LOW_ON_STORAGE_DOMAIN',
    'ACTION_TYPE_FAILED_DISK_BELONGS_TO_TEMPLATE',
    ...VM_DISK_ERRORS,
    ...STORAGE_HOST_ERRORS,
  ]),
  /** RemoveDisk: not while attached to a VM that is not down; not a template's disk. */
  RemoveDisk: op<null>()('command', ById, [
    'ACTION_TYPE_FAILED_DISK_BELONGS_TO_TEMPLATE',
    'ACTION_TYPE_FAILED_ISO_DISK_IN_USE',
    ...VM_DISK_ERRORS,
    ...STORAGE_HOST_ERRORS,
  ]),
  AddDiskAttachment: op<DiskAttachment>()('command', AddDiskAttachmentInput, [
    ...DISK_DEF_ERRORS,
    ...VM_DISK_ERRORS,
    'ACTION_TYPE_FAILED_DISK_NOT_EXIST',
    'ACTION_TYPE_FAILED_NOT_SHAREABLE_DISK_ALREADY_ATTACHED',
    'ACTION_TYPE_FAILED_DISK_BOOT_IN_USE',
  ]),
  UpdateDiskAttachment: op<DiskAttachment>()('command', UpdateDiskAttachmentInput, [
    'ACTION_TYPE_FAILED_DISK_NOT_ATTACHED_TO_VM',
    'ACTION_TYPE_FAILED_DISK_BOOT_IN_USE',
    'ACTION_TYPE_FAILED_REQUESTED_DISK_SIZE_IS_TOO_SMALL',
    'ACTION_TYPE_FAILED_DISK_SPACE_LOW_ON_STORAGE_DOMAIN',
    ...VM_DISK_ERRORS,
    ...STORAGE_HOST_ERRORS,
  ]),
  DetachDiskFromVm: op<null>()('command', DetachDiskFromVmInput, [
    'ACTION_TYPE_FAILED_DISK_NOT_ATTACHED_TO_VM',
    ...VM_DISK_ERRORS,
    ...STORAGE_HOST_ERRORS,
  ]),
  AddVmTemplate: op<Template>()('command', AddVmTemplateInput, [
    'ACTION_TYPE_FAILED_NAME_MAY_NOT_BE_EMPTY',
    'ACTION_TYPE_FAILED_NAME_LENGTH_IS_TOO_LONG',
    'ACTION_TYPE_FAILED_TEMPLATE_NAME_ALREADY_USED',
    'ACTION_TYPE_FAILED_TEMPLATE_DOES_NOT_EXIST',
    'VMT_CANNOT_CREATE_TEMPLATE_FROM_DOWN_VM',
    'ACTION_TYPE_FAILED_DISK_NOT_OF_SOURCE',
    'ACTION_TYPE_FAILED_STORAGE_DOMAIN_NOT_EXIST',
    'ACTION_TYPE_FAILED_DISK_SPACE_LOW_ON_STORAGE_DOMAIN',
    ...VM_DISK_ERRORS,
    ...STORAGE_HOST_ERRORS,
  ]),
  UpdateVmTemplate: op<Template>()('command', UpdateVmTemplateInput, [
    'ACTION_TYPE_FAILED_NAME_MAY_NOT_BE_EMPTY',
    'ACTION_TYPE_FAILED_NAME_LENGTH_IS_TOO_LONG',
    'ACTION_TYPE_FAILED_NAME_ALREADY_USED',
    'VMT_CANNOT_UPDATE_VERSION_NAME',
    'VM_TEMPLATE_IMAGE_IS_LOCKED',
    'ACTION_TYPE_FAILED_INVALID_MEMORY',
    'ACTION_TYPE_FAILED_INVALID_VCPUS',
  ]),
  RemoveVmTemplate: op<null>()('command', ById, [
    'VMT_CANNOT_REMOVE_DETECTED_DERIVED_VM',
    'VMT_CANNOT_REMOVE_BLANK_TEMPLATE',
    'VM_TEMPLATE_IMAGE_IS_LOCKED',
    ...STORAGE_HOST_ERRORS,
  ]),
  CreateSnapshot: op<Snapshot>()('command', CreateSnapshotInput, [
    'ACTION_TYPE_FAILED_SNAPSHOT_DESCRIPTION_INVALID',
    'ACTION_TYPE_FAILED_DISK_NOT_ATTACHED_TO_VM',
    'ACTION_TYPE_FAILED_DISK_SPACE_LOW_ON_STORAGE_DOMAIN',
    'ACTION_TYPE_FAILED_VM_STATUS_ILLEGAL',
    ...VM_DISK_ERRORS,
    ...STORAGE_HOST_ERRORS,
  ]),
  RemoveSnapshot: op<null>()('command', SnapshotKey, [
    'ACTION_TYPE_FAILED_VM_SNAPSHOT_DOES_NOT_EXIST',
    'ACTION_TYPE_FAILED_CANNOT_REMOVE_ACTIVE_SNAPSHOT',
    ...VM_DISK_ERRORS,
    ...STORAGE_HOST_ERRORS,
  ]),
  RestoreSnapshot: op<null>()('command', RestoreSnapshotInput, [
    'ACTION_TYPE_FAILED_VM_SNAPSHOT_DOES_NOT_EXIST',
    'ACTION_TYPE_FAILED_CANNOT_REMOVE_ACTIVE_SNAPSHOT',
    ...VM_DISK_ERRORS,
    ...STORAGE_HOST_ERRORS,
  ]),
  AddImageTransfer: op<ImageTransfer>()('command', AddImageTransferInput, [
    'ACTION_TYPE_FAILED_DISK_NOT_EXIST',
    'ACTION_TYPE_FAILED_IMAGE_TRANSFER_NOT_SUPPORTED',
    ...VM_DISK_ERRORS,
    ...STORAGE_HOST_ERRORS,
  ]),
  /** finalize: check the uploaded image (qemu-img check) before the disk is `ok`. */
  FinalizeImageTransfer: op<ImageTransfer>()('command', ById, [
    'ACTION_TYPE_FAILED_IMAGE_TRANSFER_PHASE_ILLEGAL',
    ...STORAGE_HOST_ERRORS,
  ]),
  /** cancel: an upload's disk is removed (oVirt), a download just ends. */
  CancelImageTransfer: op<ImageTransfer>()('command', ById, [
    'ACTION_TYPE_FAILED_IMAGE_TRANSFER_PHASE_ILLEGAL',
    ...STORAGE_HOST_ERRORS,
  ]),
  /** extend: keeps the transfer alive (restarts the inactivity timer). */
  ExtendImageTransfer: op<ImageTransfer>()('command', ById, [
    'ACTION_TYPE_FAILED_IMAGE_TRANSFER_PHASE_ILLEGAL',
  ]),
  ImportImage: op<Disk>()('command', ImportImageInput, [
    'ACTION_TYPE_FAILED_IMAGE_PATH_NOT_IN_STORAGE_DOMAIN',
    ...DISK_DEF_ERRORS,
    ...VM_DISK_ERRORS,
    'ACTION_TYPE_FAILED_DISK_BOOT_IN_USE',
  ]),

  // Labs (issue 15, AIO extension)
  AddLab: op<Lab>()('command', AddLabInput, [
    'ACTION_TYPE_FAILED_LAB_NAME_INVALID',
    'ACTION_TYPE_FAILED_NAME_ALREADY_USED',
  ]),
  UpdateLab: op<Lab>()('command', UpdateLabInput, ['ACTION_TYPE_FAILED_LAB_START_ORDER_INVALID']),
  RemoveLab: op<null>()('command', ById, ['ACTION_TYPE_FAILED_LAB_NOT_EMPTY']),
  AttachToLab: op<Lab>()('command', LabMemberInput, [
    'ACTION_TYPE_FAILED_BELONGS_TO_OTHER_LAB',
    'ACTION_TYPE_FAILED_LAB_CROSSES_OTHER_LAB',
  ]),
  DetachFromLab: op<Lab>()('command', LabMemberInput, ['ACTION_TYPE_FAILED_NOT_IN_LAB']),
  /** Starts the lab's down VMs in waves (in the background); answers the new job. */
  StartLab: op<LabStartJob>()('command', StartLabInput, [
    'ACTION_TYPE_FAILED_LAB_START_RUNNING',
    'ACTION_TYPE_FAILED_LAB_START_ORDER_INVALID',
  ]),
  /** Powers off the lab's running VMs (oVirt's stop), each through StopVm. */
  StopLab: op<LabStopResult>()('command', ById),

  // Queries (unknown ids → ENTITY_NOT_FOUND, REST: empty 404)
  GetAllDataCenters: op<DataCenter[]>()('query', NoInput),
  GetDataCenterById: op<DataCenter>()('query', ById),
  GetAllClusters: op<Cluster[]>()('query', NoInput),
  GetClusterById: op<Cluster>()('query', ById),
  GetNetworksByClusterId: op<ClusterNetwork[]>()('query', ClusterIdInput),
  GetNetworkOnCluster: op<ClusterNetwork>()('query', ClusterNetworkKey),
  GetAllNetworks: op<Network[]>()('query', GetAllNetworksInput),
  GetNetworkById: op<Network>()('query', ById),
  GetNetworkLabels: op<NetworkLabel[]>()('query', NetworkIdInput),
  /** Issue 17: oVirt `/openstacknetworkproviders` (the built-in ovirt-provider-ovn). */
  GetOpenStackNetworkProviders: op<OpenStackNetworkProvider[]>()('query', NoInput),
  GetOpenStackNetworkProviderById: op<OpenStackNetworkProvider>()('query', ById),
  /** Issue 17 (AIO addition): an OVN network's logical switch, read back from NB/SB. */
  GetOvnNetwork: op<OvnNetworkState>()('query', ById),
  /** AIO addition (issue 12): the segment's DHCP/DNS service and its leases, read back. */
  GetNetworkSegment: op<NetworkSegment>()('query', ById),
  /** oVirt `/vms/{id}/reporteddevices`: the addresses each vNIC holds (segment leases). */
  GetVmReportedDevices: op<ReportedDevice[]>()('query', ById),
  /** Issue 16: oVirt `/vms/{id}/graphicsconsoles` (VNC on loopback; port null while down). */
  GetVmGraphicsConsoles: op<GraphicsConsole[]>()('query', ById),
  /**
   * Issue 16: oVirt `graphicsconsoles/{id}/ticket`: a new short-lived VNC password. A command
   * (oVirt's SetVmTicketCommand): admins only, audited as VM_SET_TICKET.
   */
  SetVmTicket: op<VmTicket>()('command', SetVmTicketInput, [
    'ACTION_TYPE_FAILED_VM_IS_NOT_RUNNING',
    ...HOST_ERRORS,
  ]),
  /** Issue 16: oVirt `/vms/{id}/cdroms` (exactly one; `current` = the running VM's medium). */
  GetVmCdroms: op<VmCdrom[]>()('query', GetVmCdromsInput),
  /** Issue 16: the screen WebSocket spends a ticket (once); ENTITY_NOT_FOUND when not valid. */
  UseGraphicsTicket: op<GraphicsEndpoint>()('query', UseGraphicsTicketInput),
  GetAllVnicProfiles: op<VnicProfile[]>()('query', NoInput),
  GetVnicProfileById: op<VnicProfile>()('query', ById),
  GetVnicProfilesByNetworkId: op<VnicProfile[]>()('query', NetworkIdInput),
  /** oVirt `/users`: administrators see every user, others themselves only. */
  GetAllUsers: op<User[]>()('query', NoInput),
  GetUserById: op<User>()('query', ById),
  GetAllHosts: op<Host[]>()('query', NoInput),
  GetHostById: op<Host>()('query', ById),
  GetHostNicsByHostId: op<HostNic[]>()('query', HostRef),
  GetHostNicById: op<HostNic>()('query', HostNicKey),
  GetHostNicStatistics: op<Statistic[]>()('query', HostNicKey),
  GetHostNetworkLabels: op<HostNetworkLabel[]>()('query', HostRef),
  GetNetworkAttachmentsByHostId: op<NetworkAttachment[]>()('query', GetNetworkAttachmentsInput),
  GetNetworkAttachmentById: op<NetworkAttachment>()('query', HostAttachmentKey),
  /** Seed "Isolated Networks": statistics of an attachment, read from its bridge. */
  GetAttachmentStatistics: op<Statistic[]>()('query', HostAttachmentKey),
  GetAllVms: op<Vm[]>()('query', NoInput),
  GetVmById: op<Vm>()('query', ById),
  GetVmInterfaces: op<VmNic[]>()('query', VmIdInput),
  GetVmInterfaceById: op<VmNic>()('query', VmNicKey),
  GetVmStatistics: op<Statistic[]>()('query', ById),
  GetVmInterfaceStatistics: op<Statistic[]>()('query', VmNicKey),
  GetAllTemplates: op<Template[]>()('query', NoInput),
  GetTemplateById: op<Template>()('query', ById),
  GetAllStorageDomains: op<StorageDomain[]>()('query', NoInput),
  GetStorageDomainById: op<StorageDomain>()('query', ById),
  GetDisksByStorageDomainId: op<Disk[]>()('query', StorageDomainIdInput),
  GetAllDisks: op<Disk[]>()('query', NoInput),
  GetDiskById: op<Disk>()('query', ById),
  GetDiskAttachmentsByVmId: op<DiskAttachment[]>()('query', VmIdInput),
  GetDiskAttachmentById: op<DiskAttachment>()('query', DiskAttachmentKey),
  GetDiskAttachmentsByTemplateId: op<DiskAttachment[]>()('query', TemplateIdInput),
  /** Includes the `active` snapshot (`Active VM`), first. */
  GetSnapshotsByVmId: op<Snapshot[]>()('query', VmIdInput),
  GetSnapshotById: op<Snapshot>()('query', SnapshotKey),
  GetAllImageTransfers: op<ImageTransfer[]>()('query', NoInput),
  GetImageTransferById: op<ImageTransfer>()('query', ById),
  /** For the data plane only (see GetImageTransferTicketInput). */
  GetImageTransferTicket: op<ImageTransferTicket>()('query', GetImageTransferTicketInput),
  GetAllLabs: op<Lab[]>()('query', NoInput),
  GetLabById: op<Lab>()('query', ById),
  /** The lab's last start in waves (ENTITY_NOT_FOUND when none since the engine started). */
  GetLabStartJob: op<LabStartJob>()('query', ById),
  /** Issue 15 `aio doctor A B`: first causes why VM A may not reach VM B (engine facts). */
  DiagnoseConnectivity: op<ConnectivityDiagnosis>()('query', DiagnoseConnectivityInput),
  /** Audit log, newest first. */
  GetEvents: op<AuditEvent[]>()('query', GetEventsInput),
  GetEventById: op<AuditEvent>()('query', GetEventByIdInput),
} as const;

export type Operations = typeof operations;
export type OpName = keyof Operations;
/** What a caller passes (defaults not yet applied). */
export type OpInput<K extends OpName> = z.input<Operations[K]['input']>;
/** What the engine works with after parsing. */
export type OpParsedInput<K extends OpName> = z.output<Operations[K]['input']>;
export type OpOutput<K extends OpName> =
  NonNullable<Operations[K]['output']> extends never
    ? null
    : Exclude<Operations[K]['output'], undefined>;

export const OP_NAMES = Object.keys(operations) as OpName[];

/** Names of the state-changing operations (audited, locked). */
export type CommandOpName = {
  [K in OpName]: Operations[K]['kind'] extends 'command' ? K : never;
}[OpName];
/** Names of the read-only operations. */
export type QueryOpName = Exclude<OpName, CommandOpName>;

/** Type guard for transports that receive an op name as a string. */
export function isOpName(name: string): name is OpName {
  return Object.prototype.hasOwnProperty.call(operations, name);
}

export type { Principal };
