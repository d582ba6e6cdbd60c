// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from 'vitest';

import { validateVmName, validateVmSize, validateVmTransition } from './vm.validator';

describe('vm validators', () => {
  it('checks names and sizes', () => {
    expect(validateVmName('vm1')).toBeNull();
    expect(validateVmName(' ')?.code).toBe('ACTION_TYPE_FAILED_NAME_MAY_NOT_BE_EMPTY');
    expect(validateVmSize(192 * 1024 * 1024, 1)).toBeNull();
    expect(validateVmSize(1024, 1)?.code).toBe('ACTION_TYPE_FAILED_INVALID_MEMORY');
    expect(validateVmSize(192 * 1024 * 1024, 0)?.code).toBe('ACTION_TYPE_FAILED_INVALID_VCPUS');
  });
  it('follows the transition table', () => {
    expect(validateVmTransition('down', 'run')).toBeNull();
    expect(validateVmTransition('up', 'run')?.code).toBe('ACTION_TYPE_FAILED_VM_IS_RUNNING');
    expect(validateVmTransition('down', 'stop')?.code).toBe('ACTION_TYPE_FAILED_VM_IS_NOT_RUNNING');
    expect(validateVmTransition('up', 'remove')?.code).toBe('ACTION_TYPE_FAILED_VM_IS_RUNNING');
  });
});
