// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from 'vitest';

import { httpStatusOf } from './errors';
import { engineMessages, formatMessage } from './messages';

describe('engine messages', () => {
  it('reads like oVirt once filled', () => {
    expect(
      formatMessage(engineMessages.ACTION_TYPE_FAILED_NETWORK_NAME_IN_USE.text, {
        action: 'add',
        type: 'Network',
        NetworkName: 'blue',
      }),
    ).toMatch(/^Cannot add Network\. The name of the logical network 'blue' is already used/);
    expect(formatMessage('${a} ${b}', { a: 1 })).toBe('1 ${b}');
  });
  it('maps categories to oVirt statuses', () => {
    expect(httpStatusOf[engineMessages.NETWORK_CANNOT_DETACH_NETWORK_USED_BY_VMS.category]).toBe(
      409,
    );
    expect(
      httpStatusOf[engineMessages.HOST_NETWORK_INTERFACE_DOES_NOT_HAVE_NAME_SET.category],
    ).toBe(400);
    expect(httpStatusOf[engineMessages.ENTITY_NOT_FOUND.category]).toBe(404);
  });
});
