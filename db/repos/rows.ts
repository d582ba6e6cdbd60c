// SPDX-License-Identifier: Apache-2.0
/** Small helpers shared by the repositories. */

/** Parse a JSON text column; the engine alone writes these, so a parse error is a bug. */
// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- the caller states the stored shape
export function json<T>(text: string | null): T | null {
  return text === null ? null : (JSON.parse(text) as T);
}

/** Drop undefined fields so drizzle `set()` leaves those columns alone. */
export function defined<T extends object>(patch: T): Partial<T> {
  return Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) as Partial<T>;
}

export const nowIso = (): string => new Date().toISOString();

/** A partial update where `undefined` means "leave the column alone". */
export type Patch<T> = { [K in keyof T]?: T[K] | undefined };
