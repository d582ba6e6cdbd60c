// SPDX-License-Identifier: Apache-2.0
/**
 * Every operation of the contract → its implementation. `satisfies` makes a missing or
 * extra entry a compile error: oVirt's ActionType → command mapping without reflection.
 */
import type { Command, CommandName, Query, QueryName } from './command';
import { AttachNetworkToClusterCommand } from './commands/cluster/attach-network-to-cluster.command';
import { DetachNetworkFromClusterCommand } from './commands/cluster/detach-network-from-cluster.command';
import { UpdateNetworkOnClusterCommand } from './commands/cluster/update-network-on-cluster.command';
import { ActivateHostCommand } from './commands/host/activate-host.command';
import { AddHostNetworkLabelCommand } from './commands/host/add-host-network-label.command';
import { AddNetworkAttachmentCommand } from './commands/host/add-network-attachment.command';
import { CommitNetworkConfigCommand } from './commands/host/commit-network-config.command';
import { DeactivateHostCommand } from './commands/host/deactivate-host.command';
import { HostSetupNetworksCommand } from './commands/host/host-setup-networks.command';
import { RemoveHostNetworkLabelCommand } from './commands/host/remove-host-network-label.command';
import { RemoveNetworkAttachmentCommand } from './commands/host/remove-network-attachment.command';
import { AddNetworkCommand } from './commands/network/add-network.command';
import { AddVnicProfileCommand } from './commands/network/add-vnic-profile.command';
import { LabelNetworkCommand } from './commands/network/label-network.command';
import { RemoveNetworkCommand } from './commands/network/remove-network.command';
import { RemoveVnicProfileCommand } from './commands/network/remove-vnic-profile.command';
import { UnlabelNetworkCommand } from './commands/network/unlabel-network.command';
import { UpdateNetworkCommand } from './commands/network/update-network.command';
import { AddVmCommand } from './commands/vm/add-vm.command';
import { AddVmInterfaceCommand } from './commands/vm/add-vm-interface.command';
import { RemoveVmCommand } from './commands/vm/remove-vm.command';
import { RemoveVmInterfaceCommand } from './commands/vm/remove-vm-interface.command';
import { RunVmCommand } from './commands/vm/run-vm.command';
import { ShutdownVmCommand, StopVmCommand } from './commands/vm/stop-vm.command';
import { UpdateVmCommand } from './commands/vm/update-vm.command';
import { UpdateVmInterfaceCommand } from './commands/vm/update-vm-interface.command';
import { pending } from './commands/storage/pending';
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
import {
  GetAllImageTransfers,
  GetImageTransferById,
  GetImageTransferTicket,
} from './queries/get-image-transfers.query';
import { GetHostById } from './queries/get-host-by-id.query';
import { GetHostNetworkLabels } from './queries/get-host-network-labels.query';
import { GetHostNicById } from './queries/get-host-nic-by-id.query';
import { GetHostNicStatistics } from './queries/get-host-nic-statistics.query';
import { GetHostNicsByHostId } from './queries/get-host-nics-by-host-id.query';
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
import { GetVmById } from './queries/get-vm-by-id.query';
import { GetVmInterfaceById } from './queries/get-vm-interface-by-id.query';
import { GetVmInterfaceStatistics } from './queries/get-vm-interface-statistics.query';
import { GetVmInterfaces } from './queries/get-vm-interfaces.query';
import { GetVmStatistics } from './queries/get-vm-statistics.query';
import { GetVnicProfileById } from './queries/get-vnic-profile-by-id.query';
import { GetVnicProfilesByNetworkId } from './queries/get-vnic-profiles-by-network-id.query';

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
  ActivateHost: ActivateHostCommand,
  DeactivateHost: DeactivateHostCommand,
  AddVm: AddVmCommand,
  UpdateVm: UpdateVmCommand,
  RemoveVm: RemoveVmCommand,
  AddVmInterface: AddVmInterfaceCommand,
  UpdateVmInterface: UpdateVmInterfaceCommand,
  RemoveVmInterface: RemoveVmInterfaceCommand,
  RunVm: RunVmCommand,
  StopVm: StopVmCommand,
  ShutdownVm: ShutdownVmCommand,
  CloneVm: pending('CloneVm'),
  AddStorageDomain: pending('AddStorageDomain'),
  RemoveStorageDomain: pending('RemoveStorageDomain'),
  AddDisk: pending('AddDisk'),
  UpdateDisk: pending('UpdateDisk'),
  RemoveDisk: pending('RemoveDisk'),
  AddDiskAttachment: pending('AddDiskAttachment'),
  UpdateDiskAttachment: pending('UpdateDiskAttachment'),
  DetachDiskFromVm: pending('DetachDiskFromVm'),
  AddVmTemplate: pending('AddVmTemplate'),
  RemoveVmTemplate: pending('RemoveVmTemplate'),
  CreateSnapshot: pending('CreateSnapshot'),
  RemoveSnapshot: pending('RemoveSnapshot'),
  RestoreSnapshot: pending('RestoreSnapshot'),
  AddImageTransfer: pending('AddImageTransfer'),
  FinalizeImageTransfer: pending('FinalizeImageTransfer'),
  CancelImageTransfer: pending('CancelImageTransfer'),
  ExtendImageTransfer: pending('ExtendImageTransfer'),
  ImportImage: pending('ImportImage'),
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
} satisfies { [K in QueryName]: Query<K> };
