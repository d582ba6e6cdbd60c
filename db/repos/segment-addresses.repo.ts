// SPDX-License-Identifier: Apache-2.0
/** Issue 12: addresses the engine allocated to vNIC MACs on networks with an address plan. */
import { and, eq } from 'drizzle-orm';

import type { Conn } from '../client';
import { segmentAddress } from '../schema';

export interface SegmentAddressRow {
  readonly networkId: string;
  readonly mac: string;
  readonly ip: string;
}

export const segmentAddressesRepo = {
  listByNetwork: (c: Conn, networkId: string): SegmentAddressRow[] =>
    c.select().from(segmentAddress).where(eq(segmentAddress.networkId, networkId)).all(),
  insert: (c: Conn, row: SegmentAddressRow): void => {
    c.insert(segmentAddress).values(row).run();
  },
  delete: (c: Conn, networkId: string, mac: string): void => {
    c.delete(segmentAddress)
      .where(and(eq(segmentAddress.networkId, networkId), eq(segmentAddress.mac, mac)))
      .run();
  },
};
