// SPDX-License-Identifier: Apache-2.0
/**
 * Validation returns data, not exceptions (oVirt's `ValidationResult`): `VALID` or a
 * failure carrying an oVirt message key and its variables. A `validate()` is a
 * short-circuit chain that reads like the spec.
 */
import type { EngineErrorCode } from '../contract/messages';
import type { Failure, Vars } from '../contract/rules/validation';

// The result shape and its builders are the contract's, so pure rules run in the UI too.
export {
  type Failure,
  failWith,
  firstFailure,
  VALID,
  type ValidationResult,
  type Vars,
} from '../contract/rules/validation';

/** Result of a validate() that also prepares data for execute(). */
export type Validated<P> =
  { readonly ok: true; readonly plan: P } | { readonly ok: false; readonly failure: Failure };

export const valid = <P>(plan: P): Validated<P> => ({ ok: true, plan });
export const invalid = (failure: Failure): Validated<never> => ({ ok: false, failure });

/** Thrown by execute() or queries when something fails after validation; the runner converts it. */
export class CommandFailure extends Error {
  readonly failure: Failure;
  constructor(code: EngineErrorCode, vars: Vars = {}, options?: { cause?: unknown }) {
    super(code, options);
    this.name = 'CommandFailure';
    this.failure = { code, vars };
  }
}

/** For queries and lookups: the target does not exist (REST: empty 404). */
export function notFound(entity: string, id: string): CommandFailure {
  return new CommandFailure('ENTITY_NOT_FOUND', { entity, id });
}
