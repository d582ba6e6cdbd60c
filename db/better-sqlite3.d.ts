// SPDX-License-Identifier: Apache-2.0
// Minimal typings for the parts of better-sqlite3 db/client.ts uses: @types/better-sqlite3
// is not installed (asked of the lead). Remove this file once it is.
declare module 'better-sqlite3' {
  interface RunResult {
    changes: number;
    lastInsertRowid: number | bigint;
  }
  interface Statement {
    run(...params: unknown[]): RunResult;
    get(...params: unknown[]): unknown;
    all(...params: unknown[]): unknown[];
  }
  interface Database {
    prepare(sql: string): Statement;
    pragma(source: string, options?: { simple?: boolean }): unknown;
    exec(sql: string): this;
    close(): this;
  }
  interface DatabaseConstructor {
    new (filename: string, options?: Record<string, unknown>): Database;
  }
  const Database: DatabaseConstructor;
  export default Database;
  export type { Database, RunResult, Statement };
}
