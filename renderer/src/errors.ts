// SPDX-License-Identifier: Apache-2.0
// Turning faults into sentences a person understands (forms map codes to fields themselves).
import { EngineError } from '../../main/contract/errors';

/** What went wrong, in words: the engine's translated messages, or a plain fallback. */
export function describeError(e: unknown): string {
  if (e instanceof EngineError) {
    const text = e.body.messages
      .map((m) => m.trim())
      .filter((m) => m.length > 0)
      .join(' ');
    if (text) return text;
    return friendlyByCategory[e.category];
  }
  if (e instanceof Error && e.message) return e.message;
  return 'Something went wrong. Please try again.';
}

const friendlyByCategory: Readonly<Record<EngineError['category'], string>> = {
  BAD_PARAMETERS: 'Some of the values are not valid.',
  CONFLICT: 'This conflicts with the current state. Refresh and try again.',
  NOT_FOUND: 'It no longer exists. Someone may have removed it.',
  NO_PERMISSION: 'You are not allowed to do this.',
  NO_AUTHENTICATION: 'Your session has ended. Please log in again.',
  INTERNAL_ERROR: 'The engine hit an internal error. See the Events page for details.',
  UNAVAILABLE: 'The host or the engine database is busy or unreachable. Try again shortly.',
};
