// SPDX-License-Identifier: Apache-2.0
/**
 * VM rules: names, sizes, and the power-state transition table (engine-side, not host-side).
 * Pure, so they live in the contract (the VMs page enables its buttons with the same table).
 */
export {
  MAX_MEMORY_MIB,
  MAX_VCPUS,
  MIN_MEMORY_MIB,
  validateVmName,
  validateVmSize,
  validateVmTransition,
  VM_NAME_MAX_LENGTH,
  type VmAction,
} from '../../contract/rules/vm';
