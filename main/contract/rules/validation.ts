// SPDX-License-Identifier: Apache-2.0
/**
 * Validation returns data, not exceptions (oVirt's `ValidationResult`): `VALID` or a failure
 * carrying an oVirt message key and its variables. Lives in the contract so the pure rules
 * beside it can be run unchanged by the engine, the host layer and the renderer's forms.
 */
import type { EngineErrorCode } from '../messages';

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
