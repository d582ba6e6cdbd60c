// SPDX-License-Identifier: Apache-2.0
/**
 * The lab rules, read from the database only: a network or VM belongs to at most one lab,
 * and a lab's VMs reach only its own networks (or ones of no lab), so two labs in one engine
 * never share a segment.
 */
import type { Conn } from '../../../../db/client';
import { labsRepo } from '../../../../db/repos/labs.repo';
import { networksRepo, vnicProfilesRepo } from '../../../../db/repos/networks.repo';
import { vmNicsRepo, vmsRepo } from '../../../../db/repos/vms.repo';
import type { Lab } from '../../../contract/labs';
import { LAB_NAME_PATTERN } from '../../../contract/labs';
import { type Failure, failWith } from '../../validation';

export const labLock = (id: string): string => `lab:${id}`;
export const labNameLock = (name: string): string => `lab-name:${name}`;

export function validateLabName(name: string): Failure | null {
  return failWith('ACTION_TYPE_FAILED_LAB_NAME_INVALID', { name }).when(
    !LAB_NAME_PATTERN.test(name),
  );
}

const labName = (c: Conn, id: string): string => labsRepo.findById(c, id)?.name ?? id;

/** Networks (id → name) the VM's vNICs use. */
function networksOfVm(c: Conn, vmId: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const nic of vmNicsRepo.listByVm(c, vmId)) {
    if (nic.vnicProfileId === null) continue;
    const profile = vnicProfilesRepo.findById(c, nic.vnicProfileId);
    const net = profile ? networksRepo.findById(c, profile.networkId) : null;
    if (net) out.set(net.id, net.name);
  }
  return out;
}

/** Why `vmId` cannot join `lab`, or null. */
export function vmCannotJoin(c: Conn, lab: Lab, vmId: string, vmName: string): Failure | null {
  const owner = labsRepo.labOfVm(c, vmId);
  if (owner !== null && owner !== lab.id) {
    return failWith('ACTION_TYPE_FAILED_BELONGS_TO_OTHER_LAB', {
      entity: 'VM',
      name: vmName,
      labName: labName(c, owner),
    }).failure;
  }
  for (const [netId, netName] of networksOfVm(c, vmId)) {
    const netLab = labsRepo.labOfNetwork(c, netId);
    if (netLab !== null && netLab !== lab.id) {
      return failWith('ACTION_TYPE_FAILED_LAB_CROSSES_OTHER_LAB', {
        vmName,
        networkName: netName,
        labName: labName(c, netLab),
      }).failure;
    }
  }
  return null;
}

/** Why `networkId` cannot join `lab`, or null (VMs of other labs on it would cross). */
export function networkCannotJoin(
  c: Conn,
  lab: Lab,
  networkId: string,
  networkName: string,
): Failure | null {
  const owner = labsRepo.labOfNetwork(c, networkId);
  if (owner !== null && owner !== lab.id) {
    return failWith('ACTION_TYPE_FAILED_BELONGS_TO_OTHER_LAB', {
      entity: 'Network',
      name: networkName,
      labName: labName(c, owner),
    }).failure;
  }
  for (const vm of vmsRepo.listUsingNetwork(c, networkId)) {
    const vmLab = labsRepo.labOfVm(c, vm.id);
    if (vmLab !== null && vmLab !== lab.id) {
      return failWith('ACTION_TYPE_FAILED_LAB_CROSSES_OTHER_LAB', {
        vmName: vm.name,
        networkName,
        labName: lab.name,
      }).failure;
    }
  }
  return null;
}

/**
 * Why a vNIC of `vm` may not be on `vnicProfileId`'s network, or null: a lab's VM never gets a
 * vNIC on another lab's network (AddVmInterface, UpdateVmInterface). A VM of no lab and a
 * network of no lab are free, as for AttachToLab.
 */
export function vnicCrossesLab(
  c: Conn,
  vm: { readonly id: string; readonly name: string },
  vnicProfileId: string | null | undefined,
): Failure | null {
  if (vnicProfileId === null || vnicProfileId === undefined) return null;
  const vmLab = labsRepo.labOfVm(c, vm.id);
  if (vmLab === null) return null;
  const profile = vnicProfilesRepo.findById(c, vnicProfileId);
  const net = profile ? networksRepo.findById(c, profile.networkId) : null;
  if (!net) return null;
  const netLab = labsRepo.labOfNetwork(c, net.id);
  if (netLab === null || netLab === vmLab) return null;
  return failWith('ACTION_TYPE_FAILED_VNIC_CROSSES_LAB', {
    vmName: vm.name,
    vmLabName: labName(c, vmLab),
    networkName: net.name,
    labName: labName(c, netLab),
  }).failure;
}
