#!/usr/bin/env node
// SPDX-License-Identifier: Apache-2.0
// `aio-host-agent` (package.json `bin`): runs the host agent (./main.ts) through tsx's loader,
// like `aio`, so it works from a clone after `npm install` with no build step.
import { register } from 'tsx/esm/api';

register();
await import('./main.ts');
