// SPDX-License-Identifier: Apache-2.0
import { FormHelperText, HelperText, HelperTextItem } from '@patternfly/react-core';

/** A form field's error under the field (nothing when there is none). */
export function FieldError({ text, id }: { text: string | undefined; id: string }) {
  if (!text) return null;
  return (
    <FormHelperText>
      <HelperText>
        <HelperTextItem variant="error" id={id}>
          {text}
        </HelperTextItem>
      </HelperText>
    </FormHelperText>
  );
}
