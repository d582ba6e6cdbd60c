// SPDX-License-Identifier: Apache-2.0
/**
 * Validation returns data, not exceptions (oVirt's `ValidationResult`): `VALID` or a
 * failure carrying an oVirt message key and its variables. A `validate()` is a
 * short-circuit chain that reads like the spec.
 */
import type { EngineErrorCode } from '../contract/messages';

export type Vars = Readonly<Record<string, string | number>>;

export interface Failure {
  readonly code: EngineErrorCode;
  readonly vars: Vars;
}

export type ValidationResult = Failure | null;
export const VALID: ValidationResult = null;

/** `failWith(code, vars).when(cond)` — the failure when `cond` holds, else VALID. */
export function failWith(
  code: EngineErrorCode,
  vars: Vars = {},
): { when(cond: boolean): ValidationResult; readonly failure: Failure } {
  const failure: Failure = { code, vars };
  return { when: (cond) => (cond ? failure : VALID), failure };
}

/** Evaluate checks in order and return the first failure. */
export function firstFailure(...checks: readonly (() => ValidationResult)[]): ValidationResult {
  for (const check of checks) {
    const r = check();
    if (r !== VALID) return r;
  }
  return VALID;
}

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
