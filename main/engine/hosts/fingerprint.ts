// SPDX-License-Identifier: Apache-2.0
import { X509Certificate } from 'node:crypto';

/** `sha256` fingerprint in Node's `fingerprint256` form (`AA:BB:…`), as TLS reports a peer's. */
export const certFingerprintOf = (pem: string): string => new X509Certificate(pem).fingerprint256;
