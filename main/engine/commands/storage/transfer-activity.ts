// SPDX-License-Identifier: Apache-2.0
/**
 * Per-transfer activity the data plane reports on each request (bytes moved, last request
 * time), kept in memory per database: writing SQLite for every chunk would cost more than the
 * chunk. Lost on restart, which is fine: an engine restart ends every transfer anyway.
 */
export interface TransferActivity {
  lastActivity: number;
  transferred: number;
}

const byDatabase = new WeakMap<object, Map<string, TransferActivity>>();

export function transferActivity(database: object): Map<string, TransferActivity> {
  let m = byDatabase.get(database);
  if (!m) {
    m = new Map();
    byDatabase.set(database, m);
  }
  return m;
}
