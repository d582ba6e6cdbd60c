// SPDX-License-Identifier: Apache-2.0
/** Query helper: the entity, or ENTITY_NOT_FOUND (REST: empty 404). */
import { notFound } from '../validation';

/** Return `v`, or throw ENTITY_NOT_FOUND for `entity` `id`. */
export function must<T>(v: T | null, entity: string, id: string): T {
  if (v === null) throw notFound(entity, id);
  return v;
}
