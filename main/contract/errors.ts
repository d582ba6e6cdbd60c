// SPDX-License-Identifier: Apache-2.0
/**
 * Error codes shared by every layer, and the envelope that crosses every boundary
 * (IPC, HTTP RPC, REST fault). Codes reuse oVirt's `EngineMessage` keys where oVirt has one,
 * so a fault reads the same as oVirt's; the category decides the HTTP status exactly as
 * oVirt's `ErrorMessageHelper` does.
 *
 * @see ../../shared/reference/ovirt-api.md §1.11 and §3
 */

/** oVirt's `ErrorType`, reduced to the categories this product uses. */
export type ErrorCategory =
  | 'BAD_PARAMETERS'
  | 'CONFLICT'
  | 'NOT_FOUND'
  | 'NO_PERMISSION'
  | 'NO_AUTHENTICATION'
  | 'INTERNAL_ERROR'
  /** NEW (oVirt has none): a dependency (hypervisor, database) is temporarily unavailable. */
  | 'UNAVAILABLE';

/** HTTP status per category (oVirt: BAD_PARAMETERS 400, CONFLICT 409, …). */
export const httpStatusOf: Readonly<Record<ErrorCategory, number>> = {
  BAD_PARAMETERS: 400,
  CONFLICT: 409,
  NOT_FOUND: 404,
  NO_PERMISSION: 403,
  NO_AUTHENTICATION: 401,
  INTERNAL_ERROR: 500,
  UNAVAILABLE: 503,
};

/** Seconds a client should wait before retrying an UNAVAILABLE answer (HTTP `Retry-After`). */
export const RETRY_AFTER_SECONDS = 2;

/** A field-level problem, for forms (cockpit's `validateParams` shape). */
export interface FieldError {
  /** Dotted path of the input field, e.g. `mtu` or `vlan.id`. */
  readonly field: string;
  readonly message: string;
}

/** The error half of the envelope. `detail` is the human text (oVirt fault detail). */
export interface ErrorBody {
  readonly code: string;
  readonly category: ErrorCategory;
  /** oVirt fault reason: "Operation Failed", "Incomplete parameters", "Invalid value", … */
  readonly reason: string;
  /** Translated messages; REST renders them as `[msg1, msg2]`. */
  readonly messages: readonly string[];
  readonly fields?: readonly FieldError[];
}

/** What every handler returns across a boundary. */
export type Envelope<T> =
  { readonly ok: true; readonly result: T } | { readonly ok: false; readonly error: ErrorBody };

/** An error envelope: what every boundary answers when something failed. */
export interface ErrorEnvelope {
  readonly ok: false;
  readonly error: ErrorBody;
}

/**
 * The one builder of error envelopes (runner, engine, RPC, Electron shell, renderer
 * transports): from a full error body, or from a transport's own fault — a code, a category
 * and one message, with oVirt's generic reason "Operation Failed".
 */
export function errorEnvelope(error: ErrorBody): ErrorEnvelope;
export function errorEnvelope(
  code: string,
  category: ErrorCategory,
  message: string,
): ErrorEnvelope;
export function errorEnvelope(
  codeOrBody: string | ErrorBody,
  category: ErrorCategory = 'INTERNAL_ERROR',
  message = '',
): ErrorEnvelope {
  const error: ErrorBody =
    typeof codeOrBody === 'string'
      ? { code: codeOrBody, category, reason: 'Operation Failed', messages: [message] }
      : codeOrBody;
  return { ok: false, error };
}

/** The typed error clients rethrow from an `{ ok: false }` envelope. */
export class EngineError extends Error {
  readonly body: ErrorBody;

  constructor(body: ErrorBody) {
    super(body.messages.join(' ') || body.code);
    this.name = 'EngineError';
    this.body = body;
  }

  get code(): string {
    return this.body.code;
  }

  get category(): ErrorCategory {
    return this.body.category;
  }

  get status(): number {
    return httpStatusOf[this.body.category];
  }
}

/**
 * Error codes raised by the host layer (our VDSM). The engine maps them onto the command's
 * failure; REST shows them with oVirt's default 400 for execute-time failures.
 */
export const HostErrorCode = {
  /** A host command (ip, virsh, …) failed; `detail` carries its stderr. */
  HOST_COMMAND_FAILED: 'HOST_COMMAND_FAILED',
  /** setupNetworks failed and the host was rolled back to its previous state. */
  SETUP_NETWORKS_ROLLBACK: 'SETUP_NETWORKS_ROLLBACK',
  /** The request contradicts the host's facts (unknown NIC, MTU above the NIC's max, …). */
  HOST_NETWORK_INVALID: 'HOST_NETWORK_INVALID',
  /** libvirt could not be reached (daemon down, socket missing). */
  HYPERVISOR_UNREACHABLE: 'HYPERVISOR_UNREACHABLE',
  /** libvirt refused a domain operation. */
  HYPERVISOR_ERROR: 'HYPERVISOR_ERROR',
  /** The domain does not exist on the host. */
  DOMAIN_NOT_FOUND: 'DOMAIN_NOT_FOUND',
  /** An operation on the host did not finish in time. */
  HOST_TIMEOUT: 'HOST_TIMEOUT',
  // Storage (the host layer's image verbs, over qemu-img).
  /** The file system of a storage domain has not enough free space; nothing was written. */
  STORAGE_DOMAIN_SPACE_LOW: 'STORAGE_DOMAIN_SPACE_LOW',
  /** A path is not inside the storage domain it must be in (or is not a regular file). */
  STORAGE_PATH_INVALID: 'STORAGE_PATH_INVALID',
  /** `qemu-img info/check` found the image corrupted, truncated or of another format. */
  VOLUME_CORRUPT: 'VOLUME_CORRUPT',
  /** The volume file does not exist. */
  VOLUME_NOT_FOUND: 'VOLUME_NOT_FOUND',
  /** A volume file is already there (creation never overwrites). */
  VOLUME_EXISTS: 'VOLUME_EXISTS',
} as const;
export type HostErrorCode = (typeof HostErrorCode)[keyof typeof HostErrorCode];

/** Thrown by the host layer; carries a host error code and the underlying cause text. */
export class HostError extends Error {
  readonly code: HostErrorCode;
  readonly detail: string;

  constructor(code: HostErrorCode, message: string, detail = '', options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'HostError';
    this.code = code;
    this.detail = detail;
  }
}
