// SPDX-License-Identifier: Apache-2.0
import { Alert } from '@patternfly/react-core';

import { describeError } from '../errors';

/** A server fault as an inline alert, in the engine's own words. */
export function Fault({ error, title }: { error: unknown; title?: string }) {
  if (!error) return null;
  return (
    <Alert variant="danger" isInline title={title ?? describeError(error)} role="alert">
      {title ? describeError(error) : null}
    </Alert>
  );
}
