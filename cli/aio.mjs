#!/usr/bin/env node
// SPDX-License-Identifier: Apache-2.0
// The `aio` command (package.json `bin`). Runs the TypeScript CLI through tsx's loader, as
// `npm run setup` and the tests do: works from a fresh clone after `npm install` with no build
// step. The CLI talks to the engine over HTTP only, so its start cost (~0.3 s) is tsx plus
// commander, yaml and ajv; bundling it like the engine is a later optimisation.
import { register } from 'tsx/esm/api';

register();
await import('./bin.ts');
