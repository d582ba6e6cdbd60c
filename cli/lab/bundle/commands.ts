// SPDX-License-Identifier: Apache-2.0
/**
 * `aio lab export` and `aio lab import` on the `lab` command (registered by cli/main.ts).
 * Exit codes follow the CLI's: 0 done · 1 refused (running lab, lab name taken, the engine
 * refused a step — an import is then undone) · 2 bad usage or a bundle that fails
 * verification (nothing changed) · 3 engine unreachable · 4 login refused.
 */
import { resolve } from 'node:path';

import { type Command, InvalidArgumentError, Option } from 'commander';

import type { EngineClient } from '../../engine/client';
import { exportLab, ExportRefused } from '../export';
import { importLab, ImportRolledBack } from '../import';
import type { Lab } from '../model';
import { BundleInvalid } from './archive';
import { NameTaken } from './remap';

export interface BundleCommandDeps {
  readonly client: () => EngineClient;
  /** The engine URL in use (to tell whether its host is this machine). */
  readonly url: () => string;
  readonly result: { code: number };
  readonly say: (line: string) => void;
  readonly warn: (line: string) => void;
  /** Reads and validates a lab file (main.ts's: line-precise errors, exit 2). */
  readonly readLab: (file: string) => Lab;
}

const EXIT_FAILED = 1;
const EXIT_USAGE = 2;

function outputOption(): Option {
  return new Option('--output <format>', 'output format')
    .choices(['table', 'json'])
    .default('table');
}

export function registerBundleCommands(lab: Command, deps: BundleCommandDeps): void {
  const { result, say, warn } = deps;
  const fail = (err: unknown): void => {
    if (err instanceof BundleInvalid) {
      warn(`aio: ${err.message}; nothing was changed`);
      result.code = EXIT_USAGE;
    } else if (err instanceof ExportRefused || err instanceof NameTaken) {
      warn(`aio: ${err.message}; nothing was changed`);
      result.code = EXIT_FAILED;
    } else if (err instanceof ImportRolledBack) {
      warn(`aio: ${err.message}`);
      result.code = EXIT_FAILED;
    } else throw err;
  };

  lab
    .command('export')
    .description("write the lab and its VMs' disk images into one portable bundle file")
    .argument('<name>', 'lab name')
    .requiredOption('-o, --out <file>', 'bundle file to write (e.g. lab.aio)')
    .option(
      '-f, --file <lab.yml>',
      "the lab's file, for what the engine does not keep: start settings and start order",
    )
    .addOption(outputOption())
    .addHelpText(
      'after',
      '\nExample:\n  aio lab stop mylab && aio lab export mylab -f mylab.yml -o mylab.aio',
    )
    .action(async (name: string, o: { out: string; file?: string; output: 'table' | 'json' }) => {
      try {
        const file = o.file === undefined ? undefined : deps.readLab(o.file);
        const r = await exportLab(deps.client(), name, resolve(o.out), warn, file);
        if (o.output === 'json')
          say(
            JSON.stringify(
              { file: r.file, lab: name, members: r.manifest.members, disks: r.manifest.disks },
              null,
              2,
            ),
          );
        else say(`Lab ${name} exported to ${r.file} (${r.manifest.disks.length} disk image(s)).`);
      } catch (err) {
        fail(err);
      }
    });

  lab
    .command('import')
    .description('verify a bundle, remap what clashes with the engine and host, and create the lab')
    .argument('<bundle>', 'bundle file written by aio lab export')
    .option(
      '--name <lab>',
      'name for the imported lab (default: the bundle’s, renamed if taken)',
      (v: string) => {
        // The lab file's rule (lab.schema.json), checked before anything is read or created.
        if (!/^[a-z0-9][a-z0-9_-]{0,39}$/.test(v))
          throw new InvalidArgumentError(
            'a lab name is 1–40 of a-z 0-9 _ - (starting with a letter or digit)',
          );
        return v;
      },
    )
    .option('--no-start', 'create only; do not start the VMs')
    .option('-p, --parallelism <n>', 'VMs booting at once', (v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1)
        throw new InvalidArgumentError(`${v} is not a positive integer`);
      return n;
    })
    .addOption(outputOption())
    .addHelpText(
      'after',
      '\nExamples:\n  aio lab import mylab.aio\n  aio --url https://other:8443/ovirt-engine lab import mylab.aio --name mylab2 --output json',
    )
    .action(
      async (
        bundle: string,
        o: { name?: string; start: boolean; parallelism?: number; output: 'table' | 'json' },
      ) => {
        try {
          const r = await importLab(
            deps.client(),
            resolve(bundle),
            {
              ...(o.name !== undefined ? { name: o.name } : {}),
              start: o.start,
              ...(o.parallelism !== undefined ? { parallelism: o.parallelism } : {}),
              url: deps.url(),
            },
            warn,
          );
          if (o.output === 'json') say(JSON.stringify(r, null, 2));
          else {
            say(`Lab ${r.lab} imported (${r.changes.length} change(s) to avoid clashes).`);
            for (const c of r.changes)
              say(`  ${c.kind} ${c.subject}: ${c.from} → ${c.to} (${c.reason})`);
            if (r.start !== null)
              say(
                `Lab ${r.lab}: ${r.start.up.length} VM(s) answering, ${r.start.failed.length} not.`,
              );
          }
          if (r.start !== null && r.start.failed.length > 0) result.code = EXIT_FAILED;
        } catch (err) {
          fail(err);
        }
      },
    );
}
