// SPDX-License-Identifier: Apache-2.0
/** TEMPORARY (removed before the final commit): a command declared by the contract, not built yet. */
import type { CommandName } from '../../command';
import { defineCommand } from '../../command';
import { CommandFailure, invalid } from '../../validation';

export function pending<K extends CommandName>(name: K): ReturnType<typeof defineCommand<K, null>> {
  return defineCommand<K, null>({
    action: 'run',
    type: name,
    auditCode: 'PENDING',
    locks: () => [],
    validate: () =>
      invalid(
        new CommandFailure('ENGINE_INTERNAL_ERROR', { detail: `${name} is not built yet` }).failure,
      ),
    execute: () => Promise.reject(new Error('unreachable')),
    subject: () => ({ description: name }),
  });
}
