// SPDX-License-Identifier: Apache-2.0
/**
 * Former hub of host networking, kept so existing imports keep working: the code lives in
 * ./host-network/ (one job per file, one entry), generic helpers beside the runner
 * (progress.ts, intents.ts). New code imports from those directly.
 */
export * from './host-network';
export { hostFailure } from './intents';
export { withProgress } from './progress';
