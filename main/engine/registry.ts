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
import * as hostQueries from './queries/host.queries';
import * as networkQueries from './queries/network.queries';
import * as vmQueries from './queries/vm.queries';

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
} satisfies { [K in CommandName]: Command<K> };

export const queries = {
  ...networkQueries,
  ...hostQueries,
  ...vmQueries,
} satisfies { [K in QueryName]: Query<K> };
