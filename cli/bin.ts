// SPDX-License-Identifier: Apache-2.0
/** `aio` process entry (launched by cli/aio.mjs): runs the command and sets the exit code. */
import { run } from './main';

process.exitCode = await run(process.argv.slice(2));
