// SPDX-License-Identifier: Apache-2.0
/**
 * `step(name, fn)`: Playwright's `test.step` for vitest. Prints the step as it starts and
 * finishes, and prefixes a failure with the step's name, so a failed UI test says where.
 */
export async function step<T>(name: string, fn: () => Promise<T>): Promise<T> {
  const started = Date.now();
  process.stdout.write(`  · ${name}\n`);
  try {
    const result = await fn();
    process.stdout.write(`    ✓ ${name} (${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
    return result;
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    e.message = `step "${name}" failed: ${e.message}`;
    throw e;
  }
}
