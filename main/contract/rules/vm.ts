// SPDX-License-Identifier: Apache-2.0
/**
 * VM rules, once (issue 14): names, sizes and the power-state transition table (unraid/api's
 * validTransitions idea, in oVirt's words). The engine refuses with them; the VMs page enables
 * its buttons with the same table, so a button is never offered for a refused action.
 */
import type { VmStatus } from '../vms';
import { failWith, firstFailure, VALID, type ValidationResult } from './validation';

export const VM_NAME_MAX_LENGTH = 255;

/** VM (and template) names: not blank, at most 255 characters. */
export function validateVmName(name: string): ValidationResult {
  return firstFailure(
    () => failWith('ACTION_TYPE_FAILED_NAME_MAY_NOT_BE_EMPTY').when(name.trim().length === 0),
    () =>
      failWith('ACTION_TYPE_FAILED_NAME_LENGTH_IS_TOO_LONG', {
        maxLength: VM_NAME_MAX_LENGTH,
      }).when(name.length > VM_NAME_MAX_LENGTH),
  );
}

export const MIN_MEMORY_MIB = 16;
export const MAX_MEMORY_MIB = 4 * 1024 * 1024;
export const MAX_VCPUS = 256;

export function validateVmSize(memoryBytes: number, vcpus: number): ValidationResult {
  const mib = memoryBytes / (1024 * 1024);
  return firstFailure(
    () =>
      failWith('ACTION_TYPE_FAILED_INVALID_MEMORY', {
        min: MIN_MEMORY_MIB,
        max: MAX_MEMORY_MIB,
      }).when(mib < MIN_MEMORY_MIB || mib > MAX_MEMORY_MIB),
    () =>
      failWith('ACTION_TYPE_FAILED_INVALID_VCPUS', { max: MAX_VCPUS }).when(
        vcpus < 1 || vcpus > MAX_VCPUS,
      ),
  );
}

export type VmAction = 'run' | 'stop' | 'shutdown' | 'edit' | 'remove' | 'change-nics';

/** Which statuses allow which action. */
const allowed: Readonly<Record<VmAction, readonly VmStatus[]>> = {
  run: ['down'],
  stop: ['wait_for_launch', 'powering_up', 'up', 'paused', 'powering_down', 'unknown'],
  shutdown: ['powering_up', 'up', 'paused', 'powering_down'],
  edit: ['down'],
  remove: ['down'],
  'change-nics': ['down'],
};

/** May a VM in `status` take `action`? */
export const vmActionAllowed = (status: VmStatus, action: VmAction): boolean =>
  allowed[action].includes(status);

export function validateVmTransition(status: VmStatus, action: VmAction): ValidationResult {
  if (vmActionAllowed(status, action)) return VALID;
  if (action === 'stop' || action === 'shutdown') {
    return failWith('ACTION_TYPE_FAILED_VM_IS_NOT_RUNNING').failure;
  }
  return failWith('ACTION_TYPE_FAILED_VM_IS_RUNNING').failure;
}
