// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from 'vitest';

import { EngineError } from '../../main/contract/errors';
import { describeError } from './errors';
import { faultToFieldErrors } from './pages/networks/network-faults';

const fault = (code: string, messages: string[], fields?: { field: string; message: string }[]) =>
  new EngineError({
    code,
    category: 'CONFLICT',
    reason: 'Operation Failed',
    messages,
    ...(fields ? { fields } : {}),
  });

describe('faults in words', () => {
  it("uses the engine's sentences, or a plain one per category", () => {
    expect(describeError(fault('X', ['Cannot add Network.', 'The name is used.']))).toBe(
      'Cannot add Network. The name is used.',
    );
    expect(describeError(fault('X', []))).toMatch(/conflicts with the current state/);
    expect(describeError(new Error('boom'))).toBe('boom');
  });

  it('puts name and MTU faults under their fields, others in the form alert', () => {
    expect(faultToFieldErrors(fault('ACTION_TYPE_FAILED_NETWORK_NAME_IN_USE', ['in use']))).toEqual(
      {
        name: 'in use',
      },
    );
    expect(
      faultToFieldErrors(fault('INVALID_INPUT', ['bad'], [{ field: 'mtu', message: 'too small' }])),
    ).toEqual({ mtu: 'too small' });
    expect(faultToFieldErrors(fault('HOST_COMMAND_FAILED', ['ip failed']))).toBeNull();
  });
});
