// SPDX-License-Identifier: Apache-2.0
// Lint rules, including the layer boundaries of the design (engine ↔ host layer ↔ adapters).
import { builtinModules } from 'node:module';

import js from '@eslint/js';
import simpleImportSort from 'eslint-plugin-simple-import-sort';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** Bare Node builtins must be imported with the `node:` prefix. */
const bareBuiltins = builtinModules
  .filter((m) => !m.startsWith('_') && !m.includes('/'))
  .map((name) => ({ name, message: `Import 'node:${name}' instead.` }));

/**
 * One boundary rule per layer. Each entry lists import patterns the layer may not use
 * (relative or absolute); the message says which way the data flow goes instead.
 */
const layer = (files, patterns, extraPaths = []) => ({
  files,
  rules: {
    'no-restricted-imports': ['error', { paths: [...bareBuiltins, ...extraPaths], patterns }],
  },
});
const deny = (group, message) => ({ group, message });
const electronOnlyInShell = {
  name: 'electron',
  message: 'Only main/electron and main/preload may import Electron.',
};
const hostBindings = [
  { name: '@unraid/libvirt', message: 'Only libvirt/hypervisor.ts wraps the libvirt binding.' },
  { name: 'node-pty', message: 'Only the host layer opens consoles.' },
  { name: 'better-sqlite3', message: 'Only db/ opens the database.' },
];

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      '.tsbuild/**',
      'dist/**',
      'db/migrations/**',
      'test-results/**',
      'build/guest/rootfs/**',
      // Declarations of the plain-JavaScript build scripts; tsc checks them through their users.
      'build/*.d.mts',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { 'simple-import-sort': simpleImportSort },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true }],
      '@typescript-eslint/no-unnecessary-condition': 'off',
      '@typescript-eslint/explicit-function-return-type': [
        'error',
        { allowExpressions: true, allowTypedFunctionExpressions: true },
      ],
      eqeqeq: ['error', 'always'],
      'simple-import-sort/imports': 'error',
      'simple-import-sort/exports': 'error',
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    extends: [tseslint.configs.disableTypeChecked],
    languageOptions: { globals: globals.node },
    rules: { '@typescript-eslint/explicit-function-return-type': 'off' },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: globals.browser },
    rules: { '@typescript-eslint/explicit-function-return-type': 'off' },
  },
  // ── Layer boundaries (errors, not warnings) ────────────────────────────────────────────
  layer(
    ['main/contract/**'],
    [
      deny(
        [
          '**/engine/**',
          '**/api/**',
          '**/electron/**',
          '**/preload/**',
          '**/db/**',
          '**/libvirt/**',
          '**/renderer/**',
          'node:*',
        ],
        'main/contract is shared with the renderer: it imports nothing but zod.',
      ),
    ],
    [electronOnlyInShell, ...hostBindings],
  ),
  layer(
    ['main/engine/**'],
    [
      deny(
        ['**/api/**', '**/electron/**', '**/preload/**', '**/renderer/**'],
        'The engine does not know its transports.',
      ),
      deny(
        ['**/libvirt/**', '!**/libvirt/host-agent'],
        'The engine reaches the host only through libvirt/host-agent.ts.',
      ),
    ],
    [electronOnlyInShell, ...hostBindings],
  ),
  layer(
    ['main/api/**'],
    [
      deny(
        ['**/db/**', '**/libvirt/**', '**/electron/**', '**/renderer/**'],
        'REST only maps: it reaches the engine through engine/dispatch.ts.',
      ),
      deny(
        ['**/engine/**', '!**/engine/dispatch'],
        'REST only maps: it reaches the engine through engine/dispatch.ts.',
      ),
    ],
    [electronOnlyInShell, ...hostBindings],
  ),
  layer(
    ['main/electron/**'],
    [
      deny(
        ['**/db/**', '**/libvirt/**', '**/api/**', '**/renderer/**'],
        'The shell reaches the engine through engine/dispatch.ts.',
      ),
      deny(
        ['**/engine/**', '!**/engine/dispatch'],
        'The shell reaches the engine through engine/dispatch.ts.',
      ),
    ],
    hostBindings,
  ),
  layer(
    ['main/preload/**'],
    [
      deny(
        ['**/engine/**', '**/api/**', '**/db/**', '**/libvirt/**', '**/renderer/**', 'node:*'],
        'The preload exposes only invoke/subscribe over the contract.',
      ),
    ],
    hostBindings,
  ),
  layer(
    ['db/**'],
    [
      deny(
        [
          '**/main/engine/**',
          '**/main/api/**',
          '**/main/electron/**',
          '**/libvirt/**',
          '**/renderer/**',
        ],
        'db/ holds the schema and repositories; it knows no upper layer.',
      ),
    ],
    [electronOnlyInShell, hostBindings[0], hostBindings[1]],
  ),
  layer(
    ['libvirt/**'],
    [
      deny(
        [
          '**/main/headless*',
          '**/main/compose*',
          '**/main/engine/**',
          '**/main/api/**',
          '**/main/electron/**',
          '**/main/preload/**',
          '**/main/contract/*',
          '!**/main/contract/errors',
          // The pure value rules (MTU, names) are shared with the host layer (issue 14).
          '!**/main/contract/rules',
        ],
        'The host layer (VDSM) knows nothing of the engine but the error codes and the rules.',
      ),
      deny(['**/db/**', '**/renderer/**'], 'The host layer (VDSM) knows nothing of the engine.'),
    ],
    [electronOnlyInShell, hostBindings[2]],
  ),
  layer(
    ['renderer/**'],
    [
      deny(
        [
          '**/engine/**',
          '**/api/**',
          '**/electron/**',
          '**/preload/**',
          '**/db/**',
          '**/libvirt/**',
          'node:*',
        ],
        'The renderer talks to the engine only through main/contract.',
      ),
    ],
    [electronOnlyInShell, ...hostBindings],
  ),
  // Composition roots wire every layer together; they are the only exceptions.
  {
    files: ['main/headless.ts', 'main/electron/app.ts', 'main/compose.ts', 'test/**', 'build/**'],
    rules: { 'no-restricted-imports': ['error', { paths: bareBuiltins }] },
  },
);
