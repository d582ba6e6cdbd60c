// SPDX-License-Identifier: Apache-2.0
// Engine faults of the network commands, placed under the form field they are about.
import { EngineError } from '../../../../main/contract/errors';
import { describeError } from '../../errors';
import type { NetworkFormErrors, NetworkFormValues } from './network-form';

/** Which form field an engine error code is about, so it shows next to that field. */
const FIELD_OF_CODE: Readonly<Record<string, keyof NetworkFormValues>> = {
  ACTION_TYPE_FAILED_NAME_MAY_NOT_BE_EMPTY: 'name',
  ACTION_TYPE_FAILED_NAME_LENGTH_IS_TOO_LONG: 'name',
  NETWORK_CANNOT_CONTAIN_BOND_NAME: 'name',
  ACTION_TYPE_FAILED_NETWORK_NAME_IN_USE: 'name',
  NETWORK_NAME_USED_AS_VDSM_NETWORK_NAME: 'name',
  MTU_VALUE_INVALID: 'mtu',
  ACTION_TYPE_FAILED_NETWORK_MTU_EXCEEDS_HOST_CAPABILITY: 'mtu',
  NETWORK_VLAN_OUT_OF_RANGE: 'vlanId',
  NETWORK_LABEL_FORMAT_INVALID: 'label',
  ACTION_TYPE_FAILED_STORAGE_POOL_NOT_EXIST: 'dataCenterId',
};

/** Turns a fault into field errors when it names a field; null when it is about the whole form. */
export function faultToFieldErrors(e: unknown): NetworkFormErrors | null {
  if (!(e instanceof EngineError)) return null;
  const out: NetworkFormErrors = {};
  for (const f of e.body.fields ?? []) {
    const key = f.field.split('.').pop() as keyof NetworkFormValues;
    out[key] ??= f.message;
  }
  const byCode = FIELD_OF_CODE[e.code];
  if (byCode) out[byCode] ??= describeError(e);
  return Object.keys(out).length > 0 ? out : null;
}
