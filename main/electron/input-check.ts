// SPDX-License-Identifier: Apache-2.0
// The IPC boundary's input check, apart from ipc.ts so it is testable without Electron.
import type { ErrorBody } from '../contract/errors';
import { operations, type OpName } from '../contract/operations';

/**
 * Parses `input` with the operation's zod schema before anything reaches the engine, so a
 * compromised renderer cannot hand the engine a shape it never agreed to. The engine parses
 * again (it serves REST too); this is the IPC boundary's own check.
 */
export function checkInput(op: OpName, input: unknown): ErrorBody | null {
  const parsed = operations[op].input.safeParse(input);
  if (parsed.success) return null;
  const fields = parsed.error.issues.map((i) => ({
    field: i.path.join('.') || '(input)',
    message: i.message,
  }));
  return {
    code: 'INVALID_INPUT',
    category: 'BAD_PARAMETERS',
    reason: 'Invalid value',
    messages: fields.map((f) => `Invalid value: ${f.field}: ${f.message}`),
    fields,
  };
}
