// SPDX-License-Identifier: Apache-2.0
/**
 * Building blocks shared by the entity and operation schemas: ids, references by id or
 * name (oVirt clients send both), statistics.
 */
import { z } from 'zod';

/**
 * Any hex UUID. Deliberately looser than RFC 4122: oVirt's fixed ids (the Default data
 * center `58cfb470-02f3-03d7-0386-0000000003bc`, the Blank template `00000000-…`) carry no
 * version nibble.
 */
export const Uuid = z
  .string()
  .regex(/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/, {
    message: 'must be a UUID',
  })
  .transform((s) => s.toLowerCase());
export type Uuid = string;

/**
 * A reference the way oVirt clients write one: `<network id="…"/>` or
 * `<network><name>…</name></network>`. When both are given they must name the same entity;
 * the engine checks that (with oVirt's "incoherent" fault) because only it can resolve names.
 */
export const Ref = z
  .object({ id: Uuid.optional(), name: z.string().min(1).optional() })
  .strict()
  .refine((r) => r.id !== undefined || r.name !== undefined, { message: 'id or name required' });
export type Ref = z.input<typeof Ref>;

/** oVirt's `StatisticKind`. */
export type StatisticKind = 'counter' | 'gauge';
/** oVirt's `StatisticUnit` (the subset we report). */
export type StatisticUnit = 'bits_per_second' | 'bytes' | 'bytes_per_second' | 'none' | 'percent';

/**
 * One oVirt `statistic`. Ids are oVirt's name-based UUIDs (`UUID.nameUUIDFromBytes(name)`),
 * stable across objects, so REST can serve them as-is.
 *
 * @see ../../shared/reference/ovirt-api.md §2.6, §2.7
 */
export interface Statistic {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly kind: StatisticKind;
  readonly type: 'decimal' | 'integer';
  readonly unit: StatisticUnit;
  readonly values: readonly { readonly datum: number }[];
}

/** Who is calling. One built-in user today (`admin@internal`), kept as data for audit. */
export interface Principal {
  readonly userId: string;
  /** `admin@internal`. */
  readonly userName: string;
  readonly admin: boolean;
}

/** Empty input for list queries without filters. */
export const NoInput = z.object({}).strict();
/** `{ id }` input for by-id queries and single-entity commands. */
export const ById = z.object({ id: Uuid }).strict();
