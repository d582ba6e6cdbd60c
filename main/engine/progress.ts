// SPDX-License-Identifier: Apache-2.0
import type { EngineContext } from './context';

/** Progress events around a long host action (started, then finished or failed). */
export function withProgress<T>(
  ctx: EngineContext,
  description: string,
  run: () => Promise<T>,
): Promise<T> {
  ctx.progress(description, 'started', 0);
  return run().then(
    (r) => {
      ctx.progress(description, 'finished', 1);
      return r;
    },
    (e: unknown) => {
      ctx.progress(description, 'failed');
      throw e;
    },
  );
}
