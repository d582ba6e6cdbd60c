// SPDX-License-Identifier: Apache-2.0
/**
 * The isolation self-test of a network (issue 13 item 7; NEW, not in oVirt): two probes on the
 * segment check that the host answers nothing over IPv4 or IPv6 (B1) and that frames of the
 * full MTU pass unfragmented (B2). REST: `POST /networks/{id}/isolationtest`.
 */
import { z } from 'zod';

import { Uuid } from './common';

/** TestNetworkIsolation: on `hostId`, or on the local host when omitted. */
export const TestNetworkIsolationInput = z.object({ id: Uuid, hostId: Uuid.optional() }).strict();

/** One check, as the host layer ran it. */
export interface NetworkIsolationCheck {
  /**
   * `segment-ipv4`, `segment-ipv6` (controls: the probes reach each other), `host-ipv4`,
   * `host-ipv6-all-nodes`, `host-ipv6` (B1: the host answers nothing), `mtu` (B2).
   */
  readonly name: string;
  readonly passed: boolean;
  readonly detail: string;
}

export interface NetworkIsolationTest {
  readonly networkId: string;
  readonly networkName: string;
  readonly hostId: string;
  readonly hostName: string;
  readonly mtu: number;
  readonly startedAt: string;
  readonly finishedAt: string;
  /** Every check passed. */
  readonly passed: boolean;
  readonly checks: readonly NetworkIsolationCheck[];
}
