// SPDX-License-Identifier: Apache-2.0
/**
 * Every way a REST request can fail, shaped exactly as oVirt shapes it:
 * - a `<fault>` (reason + detail) with the status of the error category;
 * - doAction-style failures: an `<action>` carrying the fault and `<status>failed</status>`;
 * - a syntactically broken body: 400 with a `<usage_message>`;
 * - an unknown or malformed id: 404 with an empty body.
 *
 * @see ../../../../shared/reference/ovirt-api.md §1.10, §1.11
 */
import { type ErrorBody, httpStatusOf } from '../../contract/errors';
import type { Doc } from './doc';

/** A failure rendered as a document (fault, failed action or usage message). */
export class ApiFault extends Error {
  constructor(
    readonly status: number,
    readonly doc: Doc | null,
    /** Extra response headers (e.g. `Retry-After`). */
    readonly headers?: Readonly<Record<string, string>>,
  ) {
    super(doc ? JSON.stringify(doc.body) : `HTTP ${status}`);
    this.name = 'ApiFault';
  }
}

/**
 * Seconds a client should wait before retrying, per engine error code: a command that found
 * its entities locked by another one in progress (a lock wait that timed out) will very
 * likely succeed a moment later.
 */
const RETRY_AFTER: Readonly<Partial<Record<string, number>>> = {
  ACTION_TYPE_FAILED_OBJECT_LOCKED: 1,
};

function retryHeaders(code: string): Readonly<Record<string, string>> | undefined {
  const seconds = RETRY_AFTER[code];
  return seconds === undefined ? undefined : { 'Retry-After': String(seconds) };
}

/** oVirt renders a message list like Java's `List.toString()`: `[a, b]`. */
export function bracketed(messages: readonly string[]): string {
  return `[${messages.join(', ')}]`;
}

/** The fault document. */
export function faultDoc(reason: string, detail: string): Doc {
  return { root: 'fault', body: { reason, detail } };
}

/** `400 Incomplete parameters`, detail like `Network [id|name] required for add`. */
export function incompleteParameters(
  type: string,
  fields: readonly string[],
  method: string,
): ApiFault {
  return new ApiFault(
    400,
    faultDoc('Incomplete parameters', `${type} [${fields.join(', ')}] required for ${method}`),
  );
}

/** `400 Invalid value` (booleans, integers, ids in the body). */
export function invalidValue(detail: string): ApiFault {
  return new ApiFault(400, faultDoc('Invalid value', detail));
}

/** `400 Invalid Enum value`, with oVirt's `EnumValidator` detail text. */
export function invalidEnum(value: string, typeName: string, allowed: readonly string[]): ApiFault {
  return new ApiFault(
    400,
    faultDoc(
      'Invalid Enum value',
      `${value} is not a member of ${typeName}. Possible values for ${typeName} are: ${allowed.join(', ')}`,
    ),
  );
}

/** 404 with an empty body, as `asGuidOr404`/`notFound(Class)` answer. */
export function notFound(): ApiFault {
  return new ApiFault(404, null);
}

/** A body that does not parse: thrown by the XML and JSON readers. */
export class SyntaxFault extends ApiFault {
  constructor(readonly cause_: string) {
    super(400, {
      root: 'usage_message',
      body: {
        message:
          'Request syntactically incorrect. See the description below for the correct usage:',
        detail: cause_,
      },
    });
    this.name = 'SyntaxFault';
  }
}

/** Status and reason/detail of an engine error; NOT_FOUND becomes the empty 404. */
export function faultOf(error: ErrorBody): ApiFault {
  if (error.category === 'NOT_FOUND') return notFound();
  const status = httpStatusOf[error.category];
  const reason = error.reason || 'Operation Failed';
  // Backend (validation/execute) failures are lists; input-shape reasons carry one sentence.
  const detail =
    reason === 'Operation Failed' ? bracketed(error.messages) : error.messages.join(' ');
  return new ApiFault(status, faultDoc(reason, detail), retryHeaders(error.code));
}

/** doAction-style failure: the action with the fault inside and `status` failed. */
export function actionFaultOf(error: ErrorBody): ApiFault {
  const fault = faultOf(error);
  if (fault.doc === null) return fault;
  return new ApiFault(
    fault.status,
    { root: 'action', body: { fault: fault.doc.body, status: 'failed' } },
    fault.headers,
  );
}
