// SPDX-License-Identifier: Apache-2.0
// Tests by cost (as VDSM does): co-located unit tests run in parallel; everything that touches
// a real SQLite file, real bridges, libvirtd, QEMU or a browser runs serially in one fork.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    reporters: ['default'],
    projects: [
      {
        test: {
          name: 'unit',
          include: [
            '{main,db,libvirt,build,renderer}/**/*.test.{ts,tsx}',
            'test/cli/**/*.unit.test.ts',
          ],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'integration',
          include: [
            'test/integration/**/*.test.ts',
            'test/functional/**/*.test.ts',
            'test/e2e/**/*.test.ts',
            'test/bench/**/*.test.ts',
            'test/adversarial/**/*.test.ts',
            'test/cli/**/*.engine.test.ts',
            // Issue 17: simulated hosts (network namespaces joined by an underlay bridge).
            'test/multihost/**/*.test.ts',
          ],
          environment: 'node',
          pool: 'forks',
          fileParallelism: false,
          maxWorkers: 1,
          testTimeout: 180_000,
          hookTimeout: 180_000,
          sequence: { concurrent: false },
        },
      },
    ],
  },
});
