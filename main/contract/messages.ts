// SPDX-License-Identifier: Apache-2.0
/**
 * Engine error codes: oVirt's `EngineMessage` keys with their `ErrorType` category and the
 * English text from `AppErrors.properties`. `${action}` and `${type}` are filled with the
 * command's words ("Cannot add Network."), other `${…}` from the failure's variables.
 * Keys marked NEW extend oVirt for the seeds' NIC-less networks (oVirt never shipped them):
 * they follow oVirt's naming so faults read the same.
 *
 * @see ../../shared/reference/ovirt-api.md §3
 */
import type { ErrorCategory } from './errors';

interface MessageDef {
  readonly category: ErrorCategory;
  readonly text: string;
}

const m = (category: ErrorCategory, text: string): MessageDef => ({ category, text });
const C = 'Cannot ${action} ${type}.';

export const engineMessages = {
  // ── Generic ──────────────────────────────────────────────────────────────────────────
  /** Input did not match the operation's schema (REST: reason "Invalid value"). */
  INVALID_INPUT: m('BAD_PARAMETERS', 'Invalid value: ${detail}'),
  /** A mandatory input is missing (REST: reason "Incomplete parameters"). */
  INCOMPLETE_PARAMETERS: m('BAD_PARAMETERS', '${detail}'),
  /** The target of the operation does not exist (REST: empty 404). */
  ENTITY_NOT_FOUND: m('NOT_FOUND', 'Entity not found: ${entity} ${id}'),
  USER_NOT_AUTHENTICATED: m('NO_AUTHENTICATION', 'User is not authenticated.'),
  USER_NOT_AUTHORIZED_TO_PERFORM_ACTION: m(
    'NO_PERMISSION',
    `${C} User is not authorized to perform this action.`,
  ),
  ACTION_TYPE_FAILED_OBJECT_LOCKED: m(
    'CONFLICT',
    `${C} Related operation is currently in progress. Please try again later.`,
  ),
  ENGINE_INTERNAL_ERROR: m('INTERNAL_ERROR', `${C} Internal engine error: \${detail}`),

  // ── Host-layer failures at execute time (oVirt: execute failures default to 400) ──────
  HOST_COMMAND_FAILED: m('BAD_PARAMETERS', `${C} Host command failed: \${detail}`),
  SETUP_NETWORKS_ROLLBACK: m(
    'BAD_PARAMETERS',
    'Reverting back to last known saved configuration. ${detail}',
  ),
  HOST_NETWORK_INVALID: m('BAD_PARAMETERS', `${C} The host refused the network: \${detail}`),
  HYPERVISOR_UNREACHABLE: m(
    'UNAVAILABLE',
    `${C} The hypervisor cannot be reached, try again later: \${detail}`,
  ),
  /** NEW: the engine database is locked or failing; the command did not take effect. */
  DATABASE_UNAVAILABLE: m(
    'UNAVAILABLE',
    `${C} The engine database is temporarily unavailable, try again later: \${detail}`,
  ),
  HYPERVISOR_ERROR: m('BAD_PARAMETERS', `${C} The hypervisor failed: \${detail}`),
  DOMAIN_NOT_FOUND: m('BAD_PARAMETERS', `${C} The VM is not defined on the host: \${detail}`),
  HOST_TIMEOUT: m('INTERNAL_ERROR', `${C} The host did not answer in time: \${detail}`),
  STORAGE_DOMAIN_SPACE_LOW: m('CONFLICT', `${C} Low disk space on Storage Domain: \${detail}`),
  STORAGE_PATH_INVALID: m('BAD_PARAMETERS', `${C} Invalid storage path: \${detail}`),
  VOLUME_CORRUPT: m('BAD_PARAMETERS', `${C} The image is corrupted or truncated: \${detail}`),
  VOLUME_NOT_FOUND: m('NOT_FOUND', `${C} The image does not exist on the host: \${detail}`),
  VOLUME_EXISTS: m('CONFLICT', `${C} The image already exists on the host: \${detail}`),

  // ── Network definition (§3.2) ─────────────────────────────────────────────────────────
  ACTION_TYPE_FAILED_NAME_MAY_NOT_BE_EMPTY: m('BAD_PARAMETERS', `${C} The name may not be empty.`),
  ACTION_TYPE_FAILED_NAME_LENGTH_IS_TOO_LONG: m(
    'BAD_PARAMETERS',
    `${C} The name is too long (at most \${maxLength} characters).`,
  ),
  NETWORK_CANNOT_CONTAIN_BOND_NAME: m(
    'BAD_PARAMETERS',
    "Bad network name, network cannot start with 'bond'",
  ),
  ACTION_TYPE_FAILED_NETWORK_NAME_IN_USE: m(
    'CONFLICT',
    `${C} The name of the logical network '\${NetworkName}' is already used by an existing logical network in the same data-center.\n-Please choose a different name.`,
  ),
  NETWORK_NAME_USED_AS_VDSM_NETWORK_NAME: m(
    'BAD_PARAMETERS',
    'Bad network name (${NetworkName}). The name is already used as an on-host identifier of the network: ${ConflictingNetwork}',
  ),
  ACTION_TYPE_FAILED_STORAGE_POOL_NOT_EXIST: m('BAD_PARAMETERS', `${C} Data Center doesn't exist.`),
  MTU_VALUE_INVALID: m('BAD_PARAMETERS', 'mtu value invalid, Attribute: network.mtu'),
  /** NEW (issue 12): an isolated network's address plan breaks a rule (detail lists them). */
  ACTION_TYPE_FAILED_ADDRESS_PLAN_INVALID: m(
    'BAD_PARAMETERS',
    `${C} Invalid address plan: \${detail}`,
  ),
  /** NEW (issue 12): DHCP/DNS on a segment exists for isolated (NIC-less) networks only. */
  ACTION_TYPE_FAILED_ADDRESS_PLAN_REQUIRES_ISOLATED_NETWORK: m(
    'CONFLICT',
    `${C} An address plan (DHCP and DNS on the segment) is only available on isolated networks.`,
  ),
  /** NEW: MTU above what a host of the network's clusters can carry. */
  ACTION_TYPE_FAILED_NETWORK_MTU_EXCEEDS_HOST_CAPABILITY: m(
    'BAD_PARAMETERS',
    `${C} The MTU \${mtu} is larger than host \${hostName} supports (\${maxMtu}).`,
  ),
  NETWORK_VLAN_OUT_OF_RANGE: m('BAD_PARAMETERS', 'VLAN ID must be a number between 0 and 4094.'),
  NON_VM_NETWORK_CANNOT_SUPPORT_STP: m('CONFLICT', `${C} STP can only be enabled on VM Networks.`),
  NON_VM_NETWORK_CANNOT_SUPPORT_PORT_ISOLATION: m(
    'CONFLICT',
    `${C} Port isolation can only be enabled on VM Networks.`,
  ),
  ACTION_TYPE_FAILED_NETWORK_PORT_ISOLATION_CANNOT_BE_CHANGED: m(
    'BAD_PARAMETERS',
    `${C} Port isolation option cannot be updated after Network is defined.`,
  ),
  /** NEW: seed "Isolated Networks will be limited to VM networks only". */
  ACTION_TYPE_FAILED_ISOLATED_NETWORK_MUST_BE_VM_NETWORK: m(
    'BAD_PARAMETERS',
    `${C} An isolated network must be a VM network.`,
  ),
  /** NEW: "only MTU should be relevant" for an isolated network. */
  ACTION_TYPE_FAILED_ISOLATED_NETWORK_CANNOT_HAVE_VLAN: m(
    'BAD_PARAMETERS',
    `${C} An isolated network cannot have a VLAN tag.`,
  ),
  /** NEW: "only MTU should be relevant": STP has no meaning on a bridge without uplink. */
  ACTION_TYPE_FAILED_ISOLATED_NETWORK_CANNOT_HAVE_STP: m(
    'BAD_PARAMETERS',
    `${C} An isolated network cannot have STP enabled: only its MTU applies.`,
  ),
  /** NEW: port isolation would cut an isolated network's guests off from each other. */
  ACTION_TYPE_FAILED_ISOLATED_NETWORK_CANNOT_HAVE_PORT_ISOLATION: m(
    'BAD_PARAMETERS',
    `${C} An isolated network cannot have port isolation: its guests could then reach nobody; only its MTU applies.`,
  ),
  /** NEW: the on-host (bridge) name can never be a Linux device name (issue 13 item 10). */
  NETWORK_ON_HOST_NAME_INVALID: m(
    'BAD_PARAMETERS',
    `${C} Bad network name (\${NetworkName}): its on-host name '\${vdsmName}' can never be a host device name: \${reason}.`,
  ),
  /** NEW: the on-host name is an existing host device this product does not manage. */
  ACTION_TYPE_FAILED_NETWORK_NAME_USED_BY_HOST_DEVICE: m(
    'CONFLICT',
    `${C} Bad network name (\${NetworkName}): '\${vdsmName}' is already a device of this host (\${deviceKind}) that AIO Lab does not manage, so it can never be the network's bridge. Please choose a different name.`,
  ),
  /** NEW (isolation self-test): only an isolated network promises that the host is unreachable. */
  ACTION_TYPE_FAILED_ISOLATION_TEST_NETWORK_NOT_ISOLATED: m(
    'BAD_PARAMETERS',
    `${C} Network '\${networkName}' is not an isolated network: the isolation test applies to isolated networks only.`,
  ),
  /** NEW (isolation self-test): the segment to probe exists only where the network is attached. */
  ACTION_TYPE_FAILED_ISOLATION_TEST_NETWORK_NOT_ON_HOST: m(
    'CONFLICT',
    `${C} Network '\${networkName}' is not attached to host \${hostName}: attach it (or its cluster) first.`,
  ),
  /** NEW: the host layer makes no VLAN devices; a tagged network is never bridged untagged. */
  ACTION_TYPE_FAILED_NETWORK_VLAN_NOT_SUPPORTED_ON_HOST: m(
    'BAD_PARAMETERS',
    `${C} Network '\${networkName}' has VLAN tag \${vlanId}, but this host does not create VLAN devices: its bridge would carry the traffic untagged. Remove the VLAN tag from the network to put it on a host.`,
  ),
  /** NEW: "It could not bear any other role". */
  ACTION_TYPE_FAILED_ISOLATED_NETWORK_CANNOT_HAVE_ROLES: m(
    'BAD_PARAMETERS',
    `${C} An isolated network cannot bear a cluster role (\${roles}).`,
  ),
  /** NEW: "attached to a cluster will be set as a required network permanently". */
  ACTION_TYPE_FAILED_ISOLATED_NETWORK_MUST_BE_REQUIRED: m(
    'BAD_PARAMETERS',
    `${C} An isolated network is always required in its clusters.`,
  ),
  /** NEW: `is_isolated` is fixed while the network is attached to a cluster. */
  ACTION_TYPE_FAILED_NETWORK_ISOLATION_CANNOT_BE_CHANGED_WHILE_ATTACHED: m(
    'CONFLICT',
    `${C} The isolated flag of network '\${NetworkName}' cannot be changed while it is attached to cluster(s): \${clusterNames}.`,
  ),
  ACTION_TYPE_FAILED_NETWORK_IN_ONE_USE: m(
    'CONFLICT',
    `${C} This logical network is used by \${entities}: \${ENTITIES_USING_NETWORK}\n - Please remove it from this \${entities} and try again.`,
  ),
  ACTION_TYPE_FAILED_NETWORK_IN_MANY_USES: m(
    'CONFLICT',
    `${C} This logical network is used by the following \${entities}:\n \${ENTITIES_USING_NETWORK}\n - Please remove it from these \${entities} and try again.`,
  ),
  NETWORK_NOT_EXISTS: m('BAD_PARAMETERS', "The specified Logical Network doesn't exist."),
  NETWORK_HAVING_ID_NOT_EXISTS: m(
    'BAD_PARAMETERS',
    "Logical Network (id '${networkId}') doesn't exist.",
  ),
  NETWORK_HAVING_NAME_NOT_EXISTS: m(
    'BAD_PARAMETERS',
    "Logical Network (name '${networkName}') doesn't exist.",
  ),
  NETWORK_ATTACHMENT_REFERENCES_NETWORK_INCOHERENTLY: m(
    'BAD_PARAMETERS',
    `${C} Network id '\${networkId}' and name '\${networkName}' do not refer to the same network.`,
  ),

  // ── Clusters (§3.3) ───────────────────────────────────────────────────────────────────
  VDS_CLUSTER_IS_NOT_VALID: m('BAD_PARAMETERS', `${C} Cluster is not valid.`),
  NETWORK_ALREADY_ATTACHED_TO_CLUSTER: m(
    'CONFLICT',
    'Logical Network is already attached to Cluster.',
  ),
  NETWORK_NOT_EXISTS_IN_CLUSTER: m('BAD_PARAMETERS', 'Logical Network is not attached to Cluster.'),
  ACTION_TYPE_FAILED_NETWORK_FROM_DIFFERENT_DC: m(
    'BAD_PARAMETERS',
    `${C} Network and Cluster are not in the same Data Center.`,
  ),
  NETWORK_CANNOT_DETACH_NETWORK_USED_BY_VMS: m(
    'CONFLICT',
    `${C} The following Logical Network: '\${networkName}' is being used by the following VM(s): '\${vmNames}' . Please stop the VM(s) and try again.`,
  ),

  // ── Labels (§3.4) ─────────────────────────────────────────────────────────────────────
  NETWORK_LABEL_FORMAT_INVALID: m(
    'BAD_PARAMETERS',
    'Network label must be formed only from: English letters, numbers, hyphen or underscore.',
  ),
  ACTION_TYPE_FAILED_NETWORK_ALREADY_LABELED: m(
    'BAD_PARAMETERS',
    `${C} The specified network is already labeled.`,
  ),
  /** NEW: unlabel with a label the network does not carry. */
  ACTION_TYPE_FAILED_NETWORK_NOT_LABELED: m(
    'BAD_PARAMETERS',
    `${C} The network is not labeled with '\${label}'.`,
  ),
  /** NEW (host-level labels): the host already carries the label. */
  HOST_LABEL_ALREADY_EXISTS: m('CONFLICT', `${C} The host is already labeled with '\${label}'.`),
  LABEL_NOT_EXIST_IN_HOST: m(
    'BAD_PARAMETERS',
    `${C} Label '\${label}' cannot be removed, since it isn't attached to the host.`,
  ),
  OTHER_INTERFACE_ALREADY_LABELED: m(
    'CONFLICT',
    `${C} The label '\${NicLabel}' is already defined on other interface \${LabeledNic} on the host.`,
  ),
  PARAMS_CONTAIN_DUPLICATE_LABELS: m(
    'BAD_PARAMETERS',
    `${C} Duplicate labels in the request: \${labels}.`,
  ),

  // ── Hosts and HostSetupNetworks (§3.5) ────────────────────────────────────────────────
  ACTION_TYPE_FAILED_HOST_NOT_EXIST: m('BAD_PARAMETERS', 'The selected Host does not exist.'),
  ACTION_TYPE_FAILED_VDS_STATUS_ILLEGAL: m(
    'CONFLICT',
    `${C} Operation can be performed only when Host status is \${hostStatus}.`,
  ),
  /** NEW wording for a single-host appliance: running VMs cannot be migrated away. */
  VDS_CANNOT_MAINTENANCE_VDS_RUNNING_VMS: m(
    'CONFLICT',
    `${C} The host has running VMs (\${vmNames}) and there is no other host to migrate them to.`,
  ),
  MODIFIED_NETWORK_ATTACHMENT_DOES_NOT_EXISTS: m(
    'BAD_PARAMETERS',
    `${C} Updated Network Attachment (id '\${attachmentId}') does not exist.`,
  ),
  NETWORK_ATTACHMENT_NETWORK_ID_OR_NAME_IS_NOT_SET: m(
    'BAD_PARAMETERS',
    `${C} Network attachment must reference a network by id or name.`,
  ),
  NETWORK_ATTACHMENT_IN_BOTH_LISTS: m(
    'BAD_PARAMETERS',
    `${C} Network attachment for network '\${networkName}' is in both the modified and the removed lists.`,
  ),
  ATTACHMENT_IS_NOT_REUSED: m(
    'BAD_PARAMETERS',
    `${C} Network \${networkName} is already attached via attachment \${networkAttachmentID}. A new attachment cannot be used for the same network, please reuse the existing one.`,
  ),
  NETWORK_OF_GIVEN_NAME_NOT_EXISTS_IN_CLUSTER: m(
    'BAD_PARAMETERS',
    "Logical Network '${networkName}' does not exist in Cluster.",
  ),
  HOST_NETWORK_INTERFACE_DOES_NOT_HAVE_NAME_SET: m(
    'BAD_PARAMETERS',
    `${C} The host network interface does not have name set.`,
  ),
  HOST_NETWORK_INTERFACE_HAVING_ID_OR_NAME_DOES_NOT_EXIST: m(
    'BAD_PARAMETERS',
    `${C} The host network interface (id \${nicId}, name \${nicName}) does not exist.`,
  ),
  /** NEW: an isolated network on a NIC. */
  ACTION_TYPE_FAILED_ISOLATED_NETWORK_CANNOT_BE_ATTACHED_TO_NIC: m(
    'BAD_PARAMETERS',
    `${C} Isolated network '\${networkName}' cannot be attached to a host network interface.`,
  ),
  /** NEW: removing an isolated network from a host of a cluster that requires it. */
  ACTION_TYPE_FAILED_ISOLATED_NETWORK_REQUIRED_BY_CLUSTER: m(
    'CONFLICT',
    `${C} Isolated network '\${networkName}' is required by cluster \${clusterName}; detach it from the cluster instead.`,
  ),
  CANNOT_CHANGE_ATTACHED_NETWORK: m(
    'BAD_PARAMETERS',
    `${C} Cannot change the network of attachment \${networkAttachmentID}.`,
  ),
  NETWORK_ATTACHMENTS_TO_BE_REMOVED_DOES_NOT_EXISTS: m(
    'BAD_PARAMETERS',
    `${C} Cannot remove following Network Attachments, because they do not exist: \${attachmentIds}.`,
  ),
  ACTION_TYPE_FAILED_NETWORK_ATTACHMENTS_REFERENCES_SAME_NETWORK_DUPLICATELY: m(
    'BAD_PARAMETERS',
    `${C} Multiple network attachments (\${attachmentIds}) references same network (\${networkName}).`,
  ),
  NETWORK_INTERFACES_NOT_EXCLUSIVELY_USED_BY_UNTAGGED_NETWORK: m(
    'CONFLICT',
    `${C} The following Network Interfaces can have only one untagged network: \${nicNames}.`,
  ),
  NETWORK_NOT_IN_SYNC: m(
    'CONFLICT',
    `${C} The following Network definitions on the Network Interface are different than those on the Logical Network. Please synchronize the Network Interface before editing network \${networkName}. The non-synchronized values are: \${outOfSyncValues}.`,
  ),

  // ── VMs, vNICs, vNIC profiles (§2.9–§2.11) ────────────────────────────────────────────
  ACTION_TYPE_FAILED_NAME_ALREADY_USED: m(
    'CONFLICT',
    `${C} The \${type} name is already in use, please choose a unique name and try again.`,
  ),
  ACTION_TYPE_FAILED_TEMPLATE_DOES_NOT_EXIST: m(
    'BAD_PARAMETERS',
    `${C} The template doesn't exist.`,
  ),
  ACTION_TYPE_FAILED_VM_IS_RUNNING: m('CONFLICT', `${C} VM is running.`),
  ACTION_TYPE_FAILED_VM_IS_NOT_RUNNING: m('CONFLICT', `${C} VM is not running.`),
  ACTION_TYPE_FAILED_VM_STATUS_ILLEGAL: m('CONFLICT', `${C} VM status is \${vmStatus}.`),
  VM_CANNOT_RUN_FROM_DISK_WITHOUT_DISK: m('CONFLICT', `${C} VM has no disk to boot from.`),
  /** NEW (issue 16): only an ISO disk (content type iso) goes into a CD-ROM. */
  ACTION_TYPE_FAILED_CDROM_FILE_NOT_ISO: m(
    'BAD_PARAMETERS',
    `${C} The disk \${diskAlias} is not an ISO image (its content type is \${contentType}); only disks with content type iso can be inserted in a CD-ROM.`,
  ),
  /** NEW (issue 16): an ISO in a VM's CD-ROM cannot be removed. */
  ACTION_TYPE_FAILED_ISO_DISK_IN_USE: m(
    'CONFLICT',
    `${C} The ISO disk \${diskAlias} is in the CD-ROM of VM(s) \${vmNames}; eject it first.`,
  ),
  SCHEDULING_ALL_HOSTS_FILTERED_OUT: m(
    'CONFLICT',
    `${C} There are no hosts to use. Check that the cluster contains at least one host in Up state. network(s) \${networkNames} are missing`,
  ),
  ACTION_TYPE_FAILED_INVALID_MEMORY: m(
    'BAD_PARAMETERS',
    `${C} Memory must be between \${min} and \${max} MiB.`,
  ),
  ACTION_TYPE_FAILED_INVALID_VCPUS: m(
    'BAD_PARAMETERS',
    `${C} vCPUs must be between 1 and \${max}.`,
  ),
  NETWORK_INTERFACE_NAME_ALREADY_IN_USE: m(
    'CONFLICT',
    `${C} Network interface name is already in use.`,
  ),
  NETWORK_MAC_ADDRESS_IN_USE: m('CONFLICT', `${C} MAC Address \${MacAddress} is already in use.`),
  ACTION_TYPE_FAILED_NETWORK_NOT_IN_CLUSTER: m(
    'CONFLICT',
    `${C} The network '\${networkName}' is not attached to the VM's cluster.`,
  ),
  ACTION_TYPE_FAILED_NOT_A_VM_NETWORK: m('CONFLICT', `${C} '\${networkName}' is not a VM network.`),
  ACTION_TYPE_FAILED_VNIC_PROFILE_NOT_EXISTS: m(
    'BAD_PARAMETERS',
    `${C} VM network interface profile doesn't exist.`,
  ),
  ACTION_TYPE_FAILED_CANNOT_ADD_VNIC_PROFILE_TO_NON_VM_NETWORK: m(
    'BAD_PARAMETERS',
    `${C} Cannot add a VM network interface profile to a non-VM network.`,
  ),
  ACTION_TYPE_FAILED_VNIC_PROFILE_NAME_IN_USE: m(
    'CONFLICT',
    `${C} VM network interface profile name is already in use in this network.`,
  ),
  ACTION_TYPE_FAILED_VNIC_PROFILE_IN_USE: m(
    'CONFLICT',
    `${C} VM network interface profile is in use by VM(s): \${vmNames}.`,
  ),
  /** NEW: a `nic_configuration` names no vNIC of the VM. */
  ACTION_TYPE_FAILED_NIC_CONFIGURATION_UNKNOWN_NIC: m(
    'BAD_PARAMETERS',
    `${C} The VM has no network interface for nic configuration '\${nicName}'.`,
  ),

  // ── Storage: domains, disks, templates, snapshots, image transfers (issue 11) ──────────
  ACTION_TYPE_FAILED_STORAGE_DOMAIN_NOT_EXIST: m(
    'BAD_PARAMETERS',
    `${C} Storage Domain doesn't exist.`,
  ),
  ACTION_TYPE_FAILED_STORAGE_DOMAIN_NAME_ALREADY_EXIST: m(
    'CONFLICT',
    `${C} The Storage Domain name is already in use.`,
  ),
  ACTION_TYPE_FAILED_STORAGE_DOMAIN_STATUS_ILLEGAL: m(
    'CONFLICT',
    `${C} The relevant Storage Domain's status is \${status}.`,
  ),
  ACTION_TYPE_FAILED_STORAGE_POOL_IS_NOT_LOCAL: m(
    'BAD_PARAMETERS',
    `${C} Local storage domains can only be added to a local Data Center.`,
  ),
  ACTION_TYPE_FAILED_STORAGE_CONNECTION_ALREADY_EXISTS: m(
    'CONFLICT',
    `${C} Storage connection already exists: \${path}.`,
  ),
  VALIDATION_STORAGE_CONNECTION_INVALID: m(
    'BAD_PARAMETERS',
    `${C} The storage path is illegal: \${detail}.`,
  ),
  /** NEW: removing a domain that still holds disks. */
  ACTION_TYPE_FAILED_STORAGE_DOMAIN_CONTAINS_DISKS: m(
    'CONFLICT',
    `${C} The Storage Domain still contains disks: \${diskAliases}.`,
  ),
  ACTION_TYPE_FAILED_DISK_SPACE_LOW_ON_STORAGE_DOMAIN: m(
    'CONFLICT',
    `${C} Low disk space on Storage Domain \${storageName}: \${required} needed, \${available} available.`,
  ),
  ACTION_TYPE_FAILED_DISK_NOT_EXIST: m('NOT_FOUND', `${C} The disk does not exist.`),
  ACTION_TYPE_FAILED_DISKS_LOCKED: m(
    'CONFLICT',
    `${C} The following disks are locked: \${diskAliases}. Please try again in a few minutes.`,
  ),
  ACTION_TYPE_FAILED_DISKS_ILLEGAL: m(
    'CONFLICT',
    `${C} The following disks are in illegal status: \${diskAliases}.`,
  ),
  ACTION_TYPE_FAILED_REQUESTED_DISK_SIZE_IS_TOO_SMALL: m(
    'BAD_PARAMETERS',
    `${C} Requested disk size is too small.`,
  ),
  ACTION_TYPE_FAILED_DISK_MAX_SIZE_EXCEEDED: m(
    'BAD_PARAMETERS',
    `${C} Disk size must be between 1 byte and \${maxSize}.`,
  ),
  ACTION_TYPE_FAILED_DISK_CONFIGURATION_NOT_SUPPORTED: m(
    'BAD_PARAMETERS',
    `${C} Disk configuration (\${volumeFormat} \${volumeType}) is incompatible with the storage domain type.`,
  ),
  ACTION_TYPE_FAILED_SHAREABLE_DISK_NOT_SUPPORTED: m(
    'BAD_PARAMETERS',
    `${C} Shareable disks are not supported.`,
  ),
  ACTION_TYPE_FAILED_NOT_SHAREABLE_DISK_ALREADY_ATTACHED: m(
    'CONFLICT',
    `${C} The disk is not shareable and is already attached to \${entityName}.`,
  ),
  ACTION_TYPE_FAILED_DISK_NOT_ATTACHED_TO_VM: m(
    'NOT_FOUND',
    `${C} The disk is not attached to the VM.`,
  ),
  ACTION_TYPE_FAILED_DISK_BOOT_IN_USE: m(
    'CONFLICT',
    `${C} There can be only one bootable disk defined: \${diskAlias} is bootable already.`,
  ),
  ACTION_TYPE_FAILED_DISK_IS_BEING_TRANSFERRED: m(
    'CONFLICT',
    `${C} The disk \${diskAlias} is being transferred.`,
  ),
  /** NEW: a template's disk is changed or removed through the disk API. */
  ACTION_TYPE_FAILED_DISK_BELONGS_TO_TEMPLATE: m(
    'CONFLICT',
    `${C} The disk \${diskAlias} belongs to template \${templateName}.`,
  ),
  ACTION_TYPE_FAILED_VM_IS_NOT_DOWN: m('CONFLICT', `${C} VM \${vmName} is not down.`),
  ACTION_TYPE_FAILED_VM_IMAGE_IS_LOCKED: m(
    'CONFLICT',
    `${C} VM \${vmName} is locked: its disks are being created or copied. Please try again in a few minutes.`,
  ),
  ACTION_TYPE_FAILED_VM_IS_DURING_SNAPSHOT: m(
    'CONFLICT',
    `${C} VM \${vmName} is during a snapshot operation.`,
  ),
  VMT_CANNOT_CREATE_TEMPLATE_FROM_DOWN_VM: m(
    'CONFLICT',
    `${C} The VM must be down to create a template from it (VM \${vmName} is \${vmStatus}).`,
  ),
  VMT_CANNOT_REMOVE_DETECTED_DERIVED_VM: m(
    'CONFLICT',
    `${C} Template is being used by the following VMs: \${vmsList}.`,
  ),
  VMT_CANNOT_REMOVE_BLANK_TEMPLATE: m('CONFLICT', `${C} Blank Template cannot be removed.`),
  VM_TEMPLATE_IMAGE_IS_LOCKED: m(
    'CONFLICT',
    `${C} Template \${templateName} is locked: its disks are being copied.`,
  ),
  VMT_CANNOT_UPDATE_VERSION_NAME: m(
    'CONFLICT',
    'Cannot update the name of Sub-Templates, Only the Version name can be updated.',
  ),
  VM_TEMPLATE_IMAGE_IS_ILLEGAL: m(
    'CONFLICT',
    `${C} Template \${templateName}'s disks are illegal.`,
  ),
  ACTION_TYPE_FAILED_TEMPLATE_NAME_ALREADY_USED: m(
    'CONFLICT',
    `${C} The Template name is already in use, please choose a unique name and try again.`,
  ),
  /** NEW: `disks` of AddVm/AddVmTemplate name a disk that is not the source's. */
  ACTION_TYPE_FAILED_DISK_NOT_OF_SOURCE: m(
    'NOT_FOUND',
    `${C} Disk \${diskId} is not a disk of \${sourceName}.`,
  ),
  ACTION_TYPE_FAILED_VM_SNAPSHOT_DOES_NOT_EXIST: m(
    'NOT_FOUND',
    `${C} The snapshot does not exist.`,
  ),
  ACTION_TYPE_FAILED_CANNOT_REMOVE_ACTIVE_SNAPSHOT: m(
    'CONFLICT',
    `${C} The Active VM snapshot cannot be removed or restored.`,
  ),
  ACTION_TYPE_FAILED_SNAPSHOT_DESCRIPTION_INVALID: m(
    'BAD_PARAMETERS',
    `${C} The snapshot description must not be empty and at most \${maxLength} characters.`,
  ),
  /** NEW: finalize/cancel in a phase that does not allow it. */
  ACTION_TYPE_FAILED_IMAGE_TRANSFER_PHASE_ILLEGAL: m(
    'CONFLICT',
    `${C} The image transfer is \${phase}.`,
  ),
  ACTION_TYPE_FAILED_IMAGE_TRANSFER_NOT_SUPPORTED: m('BAD_PARAMETERS', `${C} \${detail}`),
  /** NEW (issue 10 item 9): image files are read only from inside a storage domain. */
  ACTION_TYPE_FAILED_IMAGE_PATH_NOT_IN_STORAGE_DOMAIN: m(
    'BAD_PARAMETERS',
    `${C} The image \${path} is not inside a storage domain directory (put it there, e.g. under \${importDir}).`,
  ),

  // ── Labs (issue 15; NEW: not in oVirt) ───────────────────────────────────────────────
  /** NEW: lab names are used in files, URLs and the CLI. */
  ACTION_TYPE_FAILED_LAB_NAME_INVALID: m(
    'BAD_PARAMETERS',
    `${C} Lab names are 1 to 63 letters, digits, '_', '.' or '-', starting with a letter or digit: \${name}.`,
  ),
  /** NEW: a lab is removed once its networks and VMs are gone (`aio lab destroy` does both). */
  ACTION_TYPE_FAILED_LAB_NOT_EMPTY: m(
    'CONFLICT',
    `${C} Lab \${labName} still has \${networkCount} network(s) and \${vmCount} VM(s): remove them first.`,
  ),
  /** NEW: a network or VM belongs to at most one lab. */
  ACTION_TYPE_FAILED_BELONGS_TO_OTHER_LAB: m(
    'CONFLICT',
    `${C} \${entity} \${name} belongs to lab \${labName}.`,
  ),
  /** NEW: two labs never share a segment: a lab's VMs use its own networks or ones of no lab. */
  ACTION_TYPE_FAILED_LAB_CROSSES_OTHER_LAB: m(
    'CONFLICT',
    `${C} VM \${vmName} has a vNIC on network \${networkName} of lab \${labName}.`,
  ),
  /** NEW: a lab VM's vNIC may not be put on another lab's network (AddVmInterface, UpdateVmInterface). */
  ACTION_TYPE_FAILED_VNIC_CROSSES_LAB: m(
    'CONFLICT',
    `${C} VM \${vmName} belongs to lab \${vmLabName} and network \${networkName} to lab \${labName}: two labs never share a network.`,
  ),
  /** NEW: the network or VM is not a member of this lab. */
  ACTION_TYPE_FAILED_NOT_IN_LAB: m(
    'CONFLICT',
    `${C} \${entity} \${name} is not in lab \${labName}.`,
  ),
  /** NEW: one start (or stop) of a lab at a time. */
  ACTION_TYPE_FAILED_LAB_START_RUNNING: m(
    'CONFLICT',
    `${C} Lab \${labName} is being started (\${detail}); wait for it to finish.`,
  ),
  /** NEW: the start order names a VM outside the lab, or depends_on loops. */
  ACTION_TYPE_FAILED_LAB_START_ORDER_INVALID: m('BAD_PARAMETERS', `${C} Start order: \${detail}.`),
  // ── Issue 17: remote hosts ────────────────────────────────────────────────────────────
  ACTION_TYPE_FAILED_VDS_WITH_SAME_HOST_EXIST: m(
    'CONFLICT',
    `${C} The Host address is already in use by host \${hostName}.`,
  ),
  /** NEW: the address is neither an IP address nor a host name. */
  ACTION_TYPE_FAILED_HOST_ADDRESS_INVALID: m(
    'BAD_PARAMETERS',
    `${C} The Host address '\${address}' is not a valid IP address or host name.`,
  ),
  VDS_CANNOT_REMOVE_VDS_STATUS_ILLEGAL: m(
    'CONFLICT',
    `${C} Host must be in Maintenance (or not yet installed) to be removed; it is \${hostStatus}.`,
  ),
  /** NEW: the engine's own machine is the local host; it is not added, so it cannot be removed. */
  VDS_CANNOT_REMOVE_LOCAL_HOST: m(
    'CONFLICT',
    `${C} This is the engine's local host; it is not a remote host.`,
  ),
  VDS_CANNOT_REMOVE_HOST_WITH_VMS: m('CONFLICT', `${C} VMs (\${vmNames}) still run on the host.`),
  // ── Issue 17: placement (oVirt VmHandler.validateDedicatedVdsExistOnSameCluster, scheduler) ──
  ACTION_TYPE_FAILED_DEDICATED_VDS_DOES_NOT_EXIST: m(
    'BAD_PARAMETERS',
    `${C} VM is pinned to a specific host. The required host doesn't exist. (\${hostName})`,
  ),
  ACTION_TYPE_FAILED_DEDICATED_VDS_NOT_IN_SAME_CLUSTER: m(
    'BAD_PARAMETERS',
    `${C} VM is pinned to a specific host. The host's cluster must be the same as the selected VM cluster. (\${hostName})`,
  ),
  /** oVirt's scheduler failure, with the per-host reasons it lists below it. */
  SCHEDULING_NO_HOST_SATISFIES: m(
    'CONFLICT',
    `${C} There is no host that satisfies current scheduling constraints. See below for details: \${detail}`,
  ),
  // ── OVN networks (issue 17) ──
  ACTION_TYPE_FAILED_PROVIDER_DOESNT_EXIST: m('BAD_PARAMETERS', `${C} Provider does not exist.`),
  /** NEW: an OVN network's MTU must fit a Geneve packet into the underlay's MTU. */
  ACTION_TYPE_FAILED_NETWORK_MTU_EXCEEDS_TUNNEL: m(
    'BAD_PARAMETERS',
    `${C} The MTU \${mtu} does not fit the Geneve tunnel: at most \${maxMtu} (underlay MTU \${underlayMtu} − \${overhead}).`,
  ),
} as const satisfies Record<string, MessageDef>;

/** Every code the engine may return. */
export type EngineErrorCode = keyof typeof engineMessages;

/** Fill `${name}` placeholders; unknown ones are left visible so nothing is silently lost. */
export function formatMessage(
  template: string,
  vars: Readonly<Record<string, string | number>>,
): string {
  return template.replace(/\$\{([A-Za-z_]+)\}/g, (whole, name: string) => {
    const v = vars[name];
    return v === undefined ? whole : String(v);
  });
}
