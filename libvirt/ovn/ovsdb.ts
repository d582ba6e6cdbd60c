// SPDX-License-Identifier: Apache-2.0
/**
 * Running the OVS/OVN database clients (`ovs-vsctl`, `ovn-nbctl`, `ovn-sbctl`) the host layer's
 * way (execFile with an argument array, a time limit, HostError on failure) and decoding their
 * `--format=json` tables (OVSDB's JSON notation: `["uuid", …]`, `["set", […]]`, `["map", […]]`).
 */
import { run } from '../exec';

/** `--timeout` of every database client: a DB that does not answer is an error, not a hang. */
const TIMEOUT_S = 10;

export const vsctl = async (args: readonly string[]): Promise<string> =>
  (await run('ovs-vsctl', [`--timeout=${TIMEOUT_S}`, ...args])).stdout;
export const nbctl = async (args: readonly string[]): Promise<string> =>
  (await run('ovn-nbctl', [`--timeout=${TIMEOUT_S}`, ...args])).stdout;
export const sbctl = async (args: readonly string[]): Promise<string> =>
  (await run('ovn-sbctl', [`--timeout=${TIMEOUT_S}`, ...args])).stdout;

/** A decoded OVSDB value: scalar, list (set) or record (map). */
export type OvsdbValue = string | number | boolean | OvsdbValue[] | { [k: string]: OvsdbValue };

/** A scalar value as text (maps and sets as JSON: never `[object Object]`). */
export const text = (v: OvsdbValue | undefined): string =>
  v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);

/** Decode one OVSDB JSON-notation value. */
export function decodeValue(v: unknown): OvsdbValue {
  if (Array.isArray(v) && v.length === 2 && typeof v[0] === 'string') {
    const [tag, body] = v as [string, unknown];
    if (tag === 'uuid' || tag === 'named-uuid') return String(body);
    if (tag === 'set') return (body as unknown[]).map(decodeValue);
    if (tag === 'map') {
      const out: Record<string, OvsdbValue> = {};
      for (const [k, val] of body as [unknown, unknown][])
        out[text(decodeValue(k))] = decodeValue(val);
      return out;
    }
  }
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  return String(v);
}

/** Rows of a `--format=json` table output, as objects keyed by column. */
export function decodeTable(stdout: string): Record<string, OvsdbValue>[] {
  const table = JSON.parse(stdout) as { headings: string[]; data: unknown[][] };
  return table.data.map((row) => {
    const out: Record<string, OvsdbValue> = {};
    table.headings.forEach((h, i) => (out[h] = decodeValue(row[i])));
    return out;
  });
}

/** A column that may be a set: always a list of strings. */
export const asList = (v: OvsdbValue | undefined): string[] =>
  v === undefined ? [] : Array.isArray(v) ? v.map(text) : [text(v)];

/** A map column as a string record. */
export const asMap = (v: OvsdbValue | undefined): Record<string, string> => {
  if (v === undefined || typeof v !== 'object' || Array.isArray(v)) return {};
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, text(x)]));
};

/** An OVSDB string literal for `set`/`create` arguments: quoted, escaped. */
export const quote = (s: string): string => JSON.stringify(s);
