// SPDX-License-Identifier: Apache-2.0
/** vNIC rules (oVirt `VmNicValidator`): profile exists, its network is a VM network of the VM's cluster. */
import type { Conn } from '../../../db/client';
import {
  networkClustersRepo,
  networksRepo,
  vnicProfilesRepo,
} from '../../../db/repos/networks.repo';
import type { Vm } from '../../contract/vms';
import { failWith, type ValidationResult } from '../validation';

export function validateVnicProfile(
  c: Conn,
  vm: Vm,
  profileId: string | null | undefined,
): ValidationResult {
  if (profileId === null || profileId === undefined) return null;
  const profile = vnicProfilesRepo.findById(c, profileId);
  if (!profile) return failWith('ACTION_TYPE_FAILED_VNIC_PROFILE_NOT_EXISTS').failure;
  const network = networksRepo.findById(c, profile.networkId);
  if (!network) return failWith('ACTION_TYPE_FAILED_VNIC_PROFILE_NOT_EXISTS').failure;
  if (!network.vmNetwork)
    return failWith('ACTION_TYPE_FAILED_NOT_A_VM_NETWORK', { networkName: network.name }).failure;
  return failWith('ACTION_TYPE_FAILED_NETWORK_NOT_IN_CLUSTER', { networkName: network.name }).when(
    networkClustersRepo.find(c, vm.clusterId, network.id) === null,
  );
}
