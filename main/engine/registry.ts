// SPDX-License-Identifier: Apache-2.0
/**
 * Every operation of the contract → its implementation. `satisfies` makes a missing or
 * extra entry a compile error: oVirt's ActionType → command mapping without reflection.
 */
import type { Command, CommandName, Query, QueryName } from './command';
import { AttachNetworkToClusterCommand } from './commands/cluster/attach-network-to-cluster.command';
import { DetachNetworkFromClusterCommand } from './commands/cluster/detach-network-from-cluster.command';
import { UpdateNetworkOnClusterCommand } from './commands/cluster/update-network-on-cluster.command';
import { AddDiskCommand } from './commands/disk/add-disk.command';
import { AddDiskAttachmentCommand } from './commands/disk/add-disk-attachment.command';
import { DetachDiskFromVmCommand } from './commands/disk/detach-disk-from-vm.command';
import { ImportImageCommand } from './commands/disk/import-image.command';
import { RemoveDiskCommand } from './commands/disk/remove-disk.command';
import { UpdateDiskCommand } from './commands/disk/update-disk.command';
import { UpdateDiskAttachmentCommand } from './commands/disk/update-disk-attachment.command';
import { ActivateHostCommand } from './commands/host/activate-host.command';
import { AddHostNetworkLabelCommand } from './commands/host/add-host-network-label.command';
import { AddNetworkAttachmentCommand } from './commands/host/add-network-attachment.command';
import { CommitNetworkConfigCommand } from './commands/host/commit-network-config.command';
import { DeactivateHostCommand } from './commands/host/deactivate-host.command';
import { HostSetupNetworksCommand } from './commands/host/host-setup-networks.command';
import { RemoveHostNetworkLabelCommand } from './commands/host/remove-host-network-label.command';
import { RemoveNetworkAttachmentCommand } from './commands/host/remove-network-attachment.command';
import { AddHostCommand } from './commands/host-lifecycle/add-host.command';
import { onHostAgent, onVmHost } from './commands/host-lifecycle/on-host-agent';
import { RemoveHostCommand } from './commands/host-lifecycle/remove-host.command';
import { RenewHostEnrollmentCommand } from './commands/host-lifecycle/renew-host-enrollment.command';
import { AddImageTransferCommand } from './commands/image-transfer/add-image-transfer.command';
import { CancelImageTransferCommand } from './commands/image-transfer/cancel-image-transfer.command';
import { ExtendImageTransferCommand } from './commands/image-transfer/extend-image-transfer.command';
import { FinalizeImageTransferCommand } from './commands/image-transfer/finalize-image-transfer.command';
import { AddLabCommand } from './commands/lab/add-lab.command';
import { AttachToLabCommand } from './commands/lab/attach-to-lab.command';
import { DetachFromLabCommand } from './commands/lab/detach-from-lab.command';
import { DiagnoseConnectivity } from './commands/lab/doctor.query';
import { GetAllLabs, GetLabById, GetLabStartJob } from './commands/lab/lab.queries';
import { RemoveLabCommand } from './commands/lab/remove-lab.command';
import { StartLabCommand } from './commands/lab/start-lab.command';
import { StopLabCommand } from './commands/lab/stop-lab.command';
import { UpdateLabCommand } from './commands/lab/update-lab.command';
import { AddNetworkCommand } from './commands/network/add-network.command';
import { AddVnicProfileCommand } from './commands/network/add-vnic-profile.command';
import { LabelNetworkCommand } from './commands/network/label-network.command';
import { RemoveNetworkCommand } from './commands/network/remove-network.command';
import { RemoveVnicProfileCommand } from './commands/network/remove-vnic-profile.command';
import { UnlabelNetworkCommand } from './commands/network/unlabel-network.command';
import { UpdateNetworkCommand } from './commands/network/update-network.command';
import { CreateSnapshotCommand } from './commands/snapshot/create-snapshot.command';
import { RemoveSnapshotCommand } from './commands/snapshot/remove-snapshot.command';
import { RestoreSnapshotCommand } from './commands/snapshot/restore-snapshot.command';
import { AddStorageDomainCommand } from './commands/storage/add-storage-domain.command';
import { RemoveStorageDomainCommand } from './commands/storage/remove-storage-domain.command';
import { AddVmTemplateCommand } from './commands/template/add-vm-template.command';
import { RemoveVmTemplateCommand } from './commands/template/remove-vm-template.command';
import { UpdateVmTemplateCommand } from './commands/template/update-vm-template.command';
import { AddVmCommand } from './commands/vm/add-vm.command';
import { AddVmInterfaceCommand } from './commands/vm/add-vm-interface.command';
import { GetVmCdroms } from './commands/vm/cdrom.queries';
import { CloneVmCommand } from './commands/vm/clone-vm.command';
import { RemoveVmCommand } from './commands/vm/remove-vm.command';
import { RemoveVmInterfaceCommand } from './commands/vm/remove-vm-interface.command';
import { RunVmCommand } from './commands/vm/run-vm.command';
import { ShutdownVmCommand, StopVmCommand } from './commands/vm/stop-vm.command';
import { UpdateVmCommand } from './commands/vm/update-vm.command';
import { UpdateVmCdromCommand } from './commands/vm/update-vm-cdrom.command';
import { UpdateVmInterfaceCommand } from './commands/vm/update-vm-interface.command';
import { GetVmGraphicsConsoles, UseGraphicsTicket } from './graphics/graphics.queries';
import { SetVmTicketCommand } from './graphics/set-vm-ticket.command';
import { TestNetworkIsolationCommand } from './isolation-test/test-network-isolation.command';
import {
  GetOpenStackNetworkProviderById,
  GetOpenStackNetworkProviders,
  GetOvnNetwork,
} from './ovn/ovn.queries';
import { GetAllClusters } from './queries/get-all-clusters.query';
import { GetAllDataCenters } from './queries/get-all-data-centers.query';
import { GetAllHosts } from './queries/get-all-hosts.query';
import { GetAllNetworks } from './queries/get-all-networks.query';
import { GetAllTemplates } from './queries/get-all-templates.query';
import { GetAllVms } from './queries/get-all-vms.query';
import { GetAllVnicProfiles } from './queries/get-all-vnic-profiles.query';
import { GetAttachmentStatistics } from './queries/get-attachment-statistics.query';
import { GetClusterById } from './queries/get-cluster-by-id.query';
import { GetDataCenterById } from './queries/get-data-center-by-id.query';
import {
  GetAllDisks,
  GetDiskAttachmentById,
  GetDiskAttachmentsByTemplateId,
  GetDiskAttachmentsByVmId,
  GetDiskById,
} from './queries/get-disks.query';
import { GetEventById, GetEvents } from './queries/get-events.query';
import { GetHostById } from './queries/get-host-by-id.query';
import { GetHostNetworkLabels } from './queries/get-host-network-labels.query';
import { GetHostNicById } from './queries/get-host-nic-by-id.query';
import { GetHostNicStatistics } from './queries/get-host-nic-statistics.query';
import { GetHostNicsByHostId } from './queries/get-host-nics-by-host-id.query';
import {
  GetAllImageTransfers,
  GetImageTransferById,
  GetImageTransferTicket,
} from './queries/get-image-transfers.query';
import { GetNetworkAttachmentById } from './queries/get-network-attachment-by-id.query';
import { GetNetworkAttachmentsByHostId } from './queries/get-network-attachments-by-host-id.query';
import { GetNetworkById } from './queries/get-network-by-id.query';
import { GetNetworkLabels } from './queries/get-network-labels.query';
import { GetNetworkOnCluster } from './queries/get-network-on-cluster.query';
import { GetNetworksByClusterId } from './queries/get-networks-by-cluster-id.query';
import { GetSnapshotById, GetSnapshotsByVmId } from './queries/get-snapshots.query';
import {
  GetAllStorageDomains,
  GetDisksByStorageDomainId,
  GetStorageDomainById,
} from './queries/get-storage-domains.query';
import { GetTemplateById } from './queries/get-template-by-id.query';
import { GetAllUsers, GetUserById } from './queries/get-users.query';
import { GetVmById } from './queries/get-vm-by-id.query';
import { GetVmInterfaceById } from './queries/get-vm-interface-by-id.query';
import { GetVmInterfaceStatistics } from './queries/get-vm-interface-statistics.query';
import { GetVmInterfaces } from './queries/get-vm-interfaces.query';
import { GetVmStatistics } from './queries/get-vm-statistics.query';
import { GetVnicProfileById } from './queries/get-vnic-profile-by-id.query';
import { GetVnicProfilesByNetworkId } from './queries/get-vnic-profiles-by-network-id.query';
import { GetNetworkSegment, GetVmReportedDevices } from './segment/segment.queries';

export const commands = {
  AddNetwork: AddNetworkCommand,
  UpdateNetwork: UpdateNetworkCommand,
  RemoveNetwork: RemoveNetworkCommand,
  LabelNetwork: LabelNetworkCommand,
  UnlabelNetwork: UnlabelNetworkCommand,
  AddVnicProfile: AddVnicProfileCommand,
  RemoveVnicProfile: RemoveVnicProfileCommand,
  AttachNetworkToCluster: AttachNetworkToClusterCommand,
  DetachNetworkFromCluster: DetachNetworkFromClusterCommand,
  UpdateNetworkOnCluster: UpdateNetworkOnClusterCommand,
  HostSetupNetworks: HostSetupNetworksCommand,
  CommitNetworkConfig: CommitNetworkConfigCommand,
  AddNetworkAttachment: AddNetworkAttachmentCommand,
  RemoveNetworkAttachment: RemoveNetworkAttachmentCommand,
  AddHostNetworkLabel: AddHostNetworkLabelCommand,
  RemoveHostNetworkLabel: RemoveHostNetworkLabelCommand,
  // Issue 17: the same commands, run against the named host's agent (local or remote).
  ActivateHost: onHostAgent(ActivateHostCommand),
  DeactivateHost: onHostAgent(DeactivateHostCommand),
  AddHost: AddHostCommand,
  RemoveHost: RemoveHostCommand,
  RenewHostEnrollment: RenewHostEnrollmentCommand,
  AddVm: AddVmCommand,
  UpdateVm: UpdateVmCommand,
  RemoveVm: RemoveVmCommand,
  AddVmInterface: AddVmInterfaceCommand,
  UpdateVmInterface: UpdateVmInterfaceCommand,
  UpdateVmCdrom: onVmHost(UpdateVmCdromCommand, (i) => i.vmId),
  SetVmTicket: onVmHost(SetVmTicketCommand, (i) => i.id),
  RemoveVmInterface: RemoveVmInterfaceCommand,
  RunVm: RunVmCommand,
  // Issue 17: VM commands run on the VM's host (commands/host-lifecycle/on-host-agent.ts).
  StopVm: onVmHost(StopVmCommand, (i) => i.id),
  ShutdownVm: onVmHost(ShutdownVmCommand, (i) => i.id),
  CloneVm: CloneVmCommand,
  AddStorageDomain: AddStorageDomainCommand,
  RemoveStorageDomain: RemoveStorageDomainCommand,
  AddDisk: AddDiskCommand,
  UpdateDisk: UpdateDiskCommand,
  RemoveDisk: RemoveDiskCommand,
  AddDiskAttachment: AddDiskAttachmentCommand,
  UpdateDiskAttachment: UpdateDiskAttachmentCommand,
  DetachDiskFromVm: DetachDiskFromVmCommand,
  AddVmTemplate: AddVmTemplateCommand,
  RemoveVmTemplate: RemoveVmTemplateCommand,
  UpdateVmTemplate: UpdateVmTemplateCommand,
  CreateSnapshot: CreateSnapshotCommand,
  RemoveSnapshot: RemoveSnapshotCommand,
  RestoreSnapshot: RestoreSnapshotCommand,
  AddImageTransfer: AddImageTransferCommand,
  FinalizeImageTransfer: FinalizeImageTransferCommand,
  CancelImageTransfer: CancelImageTransferCommand,
  ExtendImageTransfer: ExtendImageTransferCommand,
  ImportImage: ImportImageCommand,
  TestNetworkIsolation: TestNetworkIsolationCommand,
  AddLab: AddLabCommand,
  UpdateLab: UpdateLabCommand,
  RemoveLab: RemoveLabCommand,
  AttachToLab: AttachToLabCommand,
  DetachFromLab: DetachFromLabCommand,
  StartLab: StartLabCommand,
  StopLab: StopLabCommand,
} satisfies { [K in CommandName]: Command<K> };

export const queries = {
  GetAllDataCenters,
  GetDataCenterById,
  GetAllClusters,
  GetClusterById,
  GetNetworksByClusterId,
  GetNetworkOnCluster,
  GetAllNetworks,
  GetNetworkById,
  GetNetworkLabels,
  GetAllVnicProfiles,
  GetVnicProfileById,
  GetVnicProfilesByNetworkId,
  GetAllHosts,
  GetHostById,
  GetAllUsers,
  GetUserById,
  GetHostNicsByHostId,
  GetHostNicById,
  GetHostNetworkLabels,
  GetNetworkAttachmentsByHostId,
  GetNetworkAttachmentById,
  GetAttachmentStatistics,
  GetHostNicStatistics,
  GetAllVms,
  GetVmById,
  GetVmInterfaces,
  GetVmInterfaceById,
  GetVmStatistics,
  GetVmInterfaceStatistics,
  GetAllTemplates,
  GetTemplateById,
  GetEventById,
  GetEvents,
  GetAllStorageDomains,
  GetStorageDomainById,
  GetDisksByStorageDomainId,
  GetAllDisks,
  GetDiskById,
  GetDiskAttachmentsByVmId,
  GetDiskAttachmentById,
  GetDiskAttachmentsByTemplateId,
  GetSnapshotsByVmId,
  GetSnapshotById,
  GetAllImageTransfers,
  GetImageTransferById,
  GetImageTransferTicket,
  GetNetworkSegment,
  GetVmReportedDevices,
  GetVmGraphicsConsoles,
  GetVmCdroms,
  UseGraphicsTicket,
  GetAllLabs,
  GetLabById,
  GetLabStartJob,
  DiagnoseConnectivity,
  GetOpenStackNetworkProviders,
  GetOpenStackNetworkProviderById,
  GetOvnNetwork,
} satisfies { [K in QueryName]: Query<K> };
