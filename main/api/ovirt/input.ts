// SPDX-License-Identifier: Apache-2.0
/**
 * Typed reads of a parsed request body (XML or JSON, both normalized to strings, objects and
 * arrays). Each reader turns a wrong shape into the fault oVirt gives for it, so mappers read
 * like the model: `str(net, 'name')`, `int(net, 'mtu')`, `list(net, 'usages', 'usage')`.
 *
 * @see ../../../../shared/reference/ovirt-api.md §1.5 (booleans), §1.11 (input errors)
 */
import { invalidEnum, invalidValue, SyntaxFault } from './fault';
import type { InputObject, InputValue } from './xml';

export type { InputObject, InputValue };

/** The body's root object; an empty element (`<action/>`) is an empty object. */
export function rootObject(value: InputValue): InputObject {
  if (value === '') return {};
  if (typeof value === 'string' || Array.isArray(value)) {
    throw new SyntaxFault('expected an element with child elements');
  }
  return value;
}

/** A nested element as an object, or undefined when absent. */
export function obj(o: InputObject, key: string): InputObject | undefined {
  const v = o[key];
  if (v === undefined) return undefined;
  if (v === '') return {};
  if (typeof v === 'string' || Array.isArray(v)) {
    throw invalidValue(`Element "${key}" must be a structure`);
  }
  return v;
}

/** A text element, or undefined when absent. */
export function str(o: InputObject, key: string): string | undefined {
  const v = o[key];
  if (v === undefined) return undefined;
  if (typeof v === 'string') return v;
  if (!Array.isArray(v) && typeof v.value === 'string') return v.value;
  throw invalidValue(`Element "${key}" must be text`);
}

/** An integer element (oVirt's `IntegerParser`: empty counts as 0). */
export function int(o: InputObject, key: string): number | undefined {
  const v = str(o, key);
  if (v === undefined) return undefined;
  const t = v.trim();
  if (t === '') return 0;
  if (!/^[-+]?\d+$/.test(t) || !Number.isSafeInteger(Number(t))) {
    throw invalidValue(`Value "${v}" isn't a valid integer`);
  }
  return Number(t);
}

/** Parses a boolean the way oVirt's `BooleanParser` does. */
export function parseBoolean(v: string): boolean {
  const t = v.trim().toLowerCase();
  if (t === 'true' || t === '1') return true;
  if (t === 'false' || t === '0') return false;
  throw invalidValue(
    `Value "${v}" isn't a valid boolean, it should be "true" , "false", "0" or "1"`,
  );
}

/** A boolean element. */
export function bool(o: InputObject, key: string): boolean | undefined {
  const v = str(o, key);
  return v === undefined ? undefined : parseBoolean(v);
}

/** An enum element; unknown values get `Invalid Enum value` listing the allowed ones. */
export function enumOf<T extends string>(
  o: InputObject,
  key: string,
  allowed: readonly T[],
  typeName: string,
): T | undefined {
  const v = str(o, key);
  if (v === undefined) return undefined;
  return enumValue(v, allowed, typeName);
}

/** Checks one enum value (lower-case, as the model spells them). */
export function enumValue<T extends string>(v: string, allowed: readonly T[], typeName: string): T {
  const lower = v.trim().toLowerCase();
  const hit = allowed.find((a) => a === lower);
  if (hit === undefined) throw invalidEnum(v, typeName, allowed);
  return hit;
}

/**
 * A wrapped list (`<usages><usage>vm</usage></usages>`, `"usages": {"usage": ["vm"]}`).
 * Undefined when the wrapper is absent; `[]` for an empty wrapper (`<usages/>`).
 */
export function list(o: InputObject, wrapper: string, item: string): InputValue[] | undefined {
  const w = o[wrapper];
  if (w === undefined) return undefined;
  if (w === '') return [];
  if (typeof w === 'string' || Array.isArray(w)) {
    throw invalidValue(`Element "${wrapper}" must contain "${item}" elements`);
  }
  const items = w[item];
  if (items === undefined) return [];
  return Array.isArray(items) ? items : [items];
}

/** A list of structures (attachments, labels, NIC configurations). */
export function objList(o: InputObject, wrapper: string, item: string): InputObject[] | undefined {
  const items = list(o, wrapper, item);
  if (items === undefined) return undefined;
  return items.map((v) => {
    if (v === '') return {};
    if (typeof v === 'string' || Array.isArray(v)) {
      throw invalidValue(`Element "${item}" must be a structure`);
    }
    return v;
  });
}

/** A list of text values (usages). */
export function strList(o: InputObject, wrapper: string, item: string): string[] | undefined {
  const items = list(o, wrapper, item);
  if (items === undefined) return undefined;
  return items.map((v) => {
    if (typeof v !== 'string') throw invalidValue(`Element "${item}" must be text`);
    return v;
  });
}

/** A reference to another entity: `<data_center id="…"/>` or `<data_center><name>…`. */
export interface Ref {
  readonly id?: string;
  readonly name?: string;
}

/** Reads a reference element; undefined when absent. */
export function ref(o: InputObject, key: string): Ref | undefined {
  const r = obj(o, key);
  if (r === undefined) return undefined;
  const id = str(r, 'id');
  const name = str(r, 'name');
  return { ...(id !== undefined ? { id } : {}), ...(name !== undefined ? { name } : {}) };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True for the canonical textual UUID form (the only id form the engine issues). */
export function isUuid(v: string): boolean {
  return UUID.test(v);
}
