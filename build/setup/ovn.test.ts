// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from 'vitest';

import { externalIdsToSet, OVN_EXTERNAL_IDS, parseExternalIds } from './ovn';

describe('OVN setup step', () => {
  it('reads ovs-vsctl map syntax, quoted and bare values', () => {
    expect(
      parseExternalIds(
        '{hostname=vm, ovn-encap-type=geneve, ovn-remote="unix:/var/run/ovn/ovnsb_db.sock", system-id="da6d"}\n',
      ),
    ).toEqual({
      hostname: 'vm',
      'ovn-encap-type': 'geneve',
      'ovn-remote': 'unix:/var/run/ovn/ovnsb_db.sock',
      'system-id': 'da6d',
    });
    expect(parseExternalIds('{}')).toEqual({});
  });

  it('sets only what differs, and never the encap address (the engine chooses it per host)', () => {
    expect(externalIdsToSet({})).toEqual(Object.keys(OVN_EXTERNAL_IDS));
    expect(externalIdsToSet({ ...OVN_EXTERNAL_IDS, 'ovn-encap-ip': '10.0.0.1' })).toEqual([]);
    expect(externalIdsToSet({ ...OVN_EXTERNAL_IDS, 'ovn-bridge-datapath-type': 'system' })).toEqual(
      ['ovn-bridge-datapath-type'],
    );
    expect(Object.keys(OVN_EXTERNAL_IDS)).not.toContain('ovn-encap-ip');
  });
});
