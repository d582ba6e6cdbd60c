// SPDX-License-Identifier: Apache-2.0
/** The layers checked, each on its own. */
export const LAYERS: readonly string[];
/** Cycles known when the check came in, with who breaks them. */
export const KNOWN_CYCLES: readonly { readonly files: readonly string[]; readonly why: string }[];
/** Import graph of the .ts/.tsx files under `dirs` (relative to `base`): file → imported files. */
export function importGraph(dirs: readonly string[], base?: string): Map<string, Set<string>>;
/** Strongly connected components with a cycle, each sorted (absolute paths). */
export function cycles(graph: Map<string, Set<string>>): string[][];
