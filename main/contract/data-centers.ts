// SPDX-License-Identifier: Apache-2.0
/** Data centers and clusters, in oVirt's words (`types/DataCenter.java`, `types/Cluster.java`). */

/** The data center created on first start, with oVirt's fixed id. */
export const DEFAULT_DATA_CENTER_ID = '58cfb470-02f3-03d7-0386-0000000003bc';

export type DataCenterStatus = 'uninitialized' | 'up' | 'maintenance' | 'not_operational';

export interface Version {
  readonly major: number;
  readonly minor: number;
}

export interface DataCenter {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  /** Always true here: every host of an All-in-One appliance is local. */
  readonly local: boolean;
  readonly status: DataCenterStatus;
  readonly version: Version;
}
