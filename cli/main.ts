// SPDX-License-Identifier: Apache-2.0
/**
 * `aio`: the command-line client (issue 15). Every command talks to the engine's oVirt REST
 * API only, so it works against any engine given with `--url`. Exit codes are part of the
 * interface (see {@link EXIT}); help shows examples.
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

import { Command, CommanderError, Option } from 'commander';

import { bashCompletion } from './completion';
import { ConsoleFailed, vmConsole } from './console';
import {
  EngineAuthFailed,
  EngineClient,
  type EngineConnection,
  EngineFault,
  EngineUnreachable,
  listOf,
  text,
} from './engine/client';
import { LabApplier } from './lab/apply';
import { registerBundleCommands } from './lab/bundle/commands';
import { loadLab } from './lab/load';
import { type Lab, legacyOwnerOf } from './lab/model';
import { hasChanges, type Plan, planLab } from './lab/plan';
import { startLab, storeStartOrder } from './lab/start';
import { type EngineState, labMembership, readEngineState } from './lab/state';
import { table } from './table';

/** Exit codes a script can rely on. */
export const EXIT = {
  ok: 0,
  /** The engine refused a step, or the plan has conflicts. */
  failed: 1,
  /** Bad command line, or the lab file is missing or invalid (nothing was changed). */
  usage: 2,
  /** The engine could not be reached. */
  unreachable: 3,
  /** The engine refused the credentials. */
  auth: 4,
} as const;

class UsageError extends Error {}

interface GlobalOptions {
  url?: string;
  user?: string;
  passwordFile?: string;
}

type Output = 'table' | 'json';

const say = (line: string): void => {
  process.stdout.write(`${line}\n`);
};
const warn = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

function dataDir(): string {
  return process.env.AIO_DATA_DIR ?? join(homedir(), '.local', 'share', 'aio-lab');
}

/** Where the engine is, and who logs in: flags, then environment, then the local engine's defaults. */
export function connectionOf(opts: GlobalOptions): EngineConnection {
  const url =
    opts.url ??
    process.env.AIO_URL ??
    `http://127.0.0.1:${process.env.AIO_PORT ?? '8443'}/ovirt-engine`;
  const user = opts.user ?? process.env.AIO_USER ?? 'admin@internal';
  let password = process.env.AIO_PASSWORD;
  const file =
    opts.passwordFile ?? (password === undefined ? join(dataDir(), 'admin-password') : undefined);
  if (file !== undefined) {
    try {
      password = readFileSync(file, 'utf8').split('\n')[0] ?? '';
    } catch {
      throw new UsageError(
        `no password: set AIO_PASSWORD or --password-file (${file} could not be read)`,
      );
    }
  }
  return { url, user, password: password ?? '' };
}

function readLab(file: string): Lab {
  let source: string;
  try {
    source = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(
      `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
    );
  }
  const result = loadLab(source);
  if (!result.ok) {
    for (const e of result.errors) {
      warn(`${file}:${e.line}:${e.column}: ${e.field === '' ? '' : `${e.field}: `}${e.message}`);
    }
    throw new UsageError(
      `${file}: ${result.errors.length} problem${result.errors.length === 1 ? '' : 's'}; nothing was changed`,
    );
  }
  return result.lab;
}

const SIGN: Record<string, string> = {
  create: '+',
  change: '~',
  leave: '=',
  remove: '-',
  replace: '±',
};

function printPlan(plan: Plan, output: Output): void {
  if (output === 'json') {
    say(
      JSON.stringify(
        {
          lab: plan.lab,
          lab_action: plan.labAction,
          changes: hasChanges(plan),
          conflicts: plan.conflicts,
          items: plan.items.map((i) => ({
            kind: i.kind,
            name: i.name,
            action: i.action,
            changes: i.changes,
          })),
        },
        null,
        2,
      ),
    );
    return;
  }
  say(`Lab ${plan.lab}:`);
  if (plan.labAction !== 'leave')
    say(`  ${SIGN[plan.labAction] ?? '?'} lab ${plan.lab} (${plan.labAction})`);
  for (const i of plan.items) {
    say(`  ${SIGN[i.action] ?? '?'} ${i.kind} ${i.name} (${i.action})`);
    for (const c of i.changes) say(`      ${c}`);
  }
  for (const c of plan.conflicts) say(`  ! ${c}`);
  const count = (a: string): number => plan.items.filter((i) => i.action === a).length;
  say(
    `Plan: ${count('create')} to create, ${count('change') + count('replace')} to change, ` +
      `${count('remove')} to remove, ${count('leave')} unchanged.`,
  );
}

async function planFor(
  client: EngineClient,
  lab: Lab,
  destroy: boolean,
): Promise<{ plan: Plan; state: EngineState }> {
  const names = new Set(lab.vms.map((v) => v.name));
  const state = await readEngineState(
    client,
    lab.cluster,
    (vm) => names.has(vm.name) || (vm.lab ?? legacyOwnerOf(vm.description)) === lab.name,
  );
  return { plan: planLab(lab, state, destroy), state };
}

async function applyPlan(
  client: EngineClient,
  lab: Lab,
  destroy: boolean,
  output: Output,
): Promise<number> {
  const { plan, state } = await planFor(client, lab, destroy);
  printPlan(plan, output);
  if (plan.conflicts.length > 0) {
    warn('The plan has conflicts; nothing was changed.');
    return EXIT.failed;
  }
  if (!hasChanges(plan)) {
    if (output === 'table') say(`No changes: the engine already matches lab ${lab.name}.`);
    return EXIT.ok;
  }
  await new LabApplier(client, lab, state, (line) => {
    warn(`  ${line}`);
  }).run(plan);
  if (output === 'table') say(destroy ? `Lab ${lab.name} destroyed.` : `Lab ${lab.name} applied.`);
  return EXIT.ok;
}

/** Network and VM id → the name of the engine lab it belongs to. */
async function labNames(client: EngineClient): Promise<Map<string, string>> {
  return labMembership(await client.list('/labs', 'lab'));
}

/** A lab known by name only (destroy/start/stop by name): no declared resources. */
function bareLab(name: string): Lab {
  return {
    name,
    cluster: 'Default',
    dataCenter: 'Default',
    start: { stopOnFailure: false },
    networks: [],
    vms: [],
  };
}

async function labIdOf(client: EngineClient, name: string): Promise<string> {
  const hit = (await client.list('/labs', 'lab')).find((l) => text(l, 'name') === name);
  const id = hit === undefined ? undefined : text(hit, 'id');
  if (id === undefined) throw new UsageError(`no lab "${name}" in the engine`);
  return id;
}

/** Starts the lab's down VMs in waves and follows them; exit 1 when one did not answer. */
async function startAll(
  client: EngineClient,
  lab: Lab,
  file: Lab | null,
  parallelism: number | undefined,
  output: Output,
): Promise<number> {
  const outcome = await startLab(
    client,
    await labIdOf(client, lab.name),
    file,
    parallelism === undefined ? {} : { parallelism },
    (line) => {
      warn(`  ${line}`);
    },
  );
  if (output === 'json') say(JSON.stringify(outcome, null, 2));
  else if (outcome.up.length + outcome.failed.length > 0)
    say(`Lab ${lab.name}: ${outcome.up.length} VM(s) answering, ${outcome.failed.length} not.`);
  return outcome.failed.length === 0 ? EXIT.ok : EXIT.failed;
}

function parallelismOption(): Option {
  return new Option(
    '-p, --parallelism <n>',
    "VMs booting at once (default: the file's start.parallelism, else the host's CPU count)",
  ).argParser((v) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1)
      throw new UsageError(`--parallelism: ${v} is not a positive integer`);
    return n;
  });
}

function outputOption(): Option {
  return new Option('-o, --output <format>', 'output format')
    .choices(['table', 'json'])
    .default('table');
}

/** Builds the program; `run` parses and executes. Exported for tests and completion. */
export function buildProgram(result: { code: number }): Command {
  // exitOverride first: subcommands inherit it, so usage errors reach run() as exceptions.
  const program = new Command('aio')
    .exitOverride()
    .description('AIO Lab command-line client: labs as code, VMs and networks of an AIO Lab engine')
    .option(
      '--url <url>',
      'engine URL (env AIO_URL; default http://127.0.0.1:$AIO_PORT/ovirt-engine, port 8443)',
    )
    .option('--user <name>', 'user to log in as (env AIO_USER; default admin@internal)')
    .option(
      '--password-file <file>',
      "file holding the password (else env AIO_PASSWORD, else the local engine's $AIO_DATA_DIR/admin-password)",
    )
    .showHelpAfterError()
    .addHelpText(
      'after',
      `
Examples:
  aio net list
  aio vm list --output json
  aio vm console web1               (Ctrl-] leaves; --send 'ip a' --until 'aio# ')
  aio lab validate -f lab.yml
  aio lab plan -f lab.yml
  aio lab apply -f lab.yml          (then starts its VMs in waves; --no-start, -p 3)
  aio lab start mylab -p 3          (aio lab stop mylab)
  aio lab list
  aio doctor web1 db1               (why can web1 not reach db1?)
  aio lab destroy -f lab.yml        (or: aio lab destroy mylab)
  AIO_PASSWORD=… aio --url https://engine.example:8443/ovirt-engine vm list

Exit codes:
  0 success   1 the engine refused a step or the plan has conflicts
  2 bad usage or invalid lab file (nothing changed)   3 engine unreachable   4 login refused`,
    );
  const client = (): EngineClient => new EngineClient(connectionOf(program.opts<GlobalOptions>()));

  const vm = program.command('vm').description('virtual machines');
  vm.command('list')
    .description('list the VMs')
    .addOption(outputOption())
    .action(async (o: { output: Output }) => {
      const c = client();
      const [vms, labOf] = await Promise.all([c.list('/vms', 'vm'), labNames(c)]);
      const rows = vms.map((v) => {
        const t = (k: string): number => Number(text(v, `cpu.topology.${k}`) ?? '1');
        return {
          name: text(v, 'name') ?? '',
          status: text(v, 'status') ?? '',
          cpus: t('sockets') * t('cores') * t('threads'),
          memory_mib: Math.round(Number(text(v, 'memory') ?? '0') / 1048576),
          lab: labOf.get(text(v, 'id') ?? '') ?? '',
          id: text(v, 'id') ?? '',
        };
      });
      say(o.output === 'json' ? JSON.stringify(rows, null, 2) : table(rows));
    });

  vm.command('console')
    .description("the VM's serial console, through the engine (Ctrl-] leaves)")
    .argument('<name>', 'VM name')
    .option('--send <line>', 'type this line (and Enter) once connected')
    .option('--until <regexp>', 'leave with exit 0 once the output matches (else exit 1)')
    .option('--timeout <seconds>', 'leave after this many seconds', (v) => {
      const n = Number(v);
      if (!Number.isFinite(n) || n <= 0)
        throw new UsageError(`--timeout: ${v} is not a number of seconds`);
      return n;
    })
    .action(async (name: string, o: { send?: string; until?: string; timeout?: number }) => {
      try {
        await vmConsole(
          client(),
          name,
          {
            ...(o.send !== undefined ? { send: o.send } : {}),
            ...(o.until !== undefined ? { until: o.until } : {}),
            ...(o.timeout !== undefined ? { timeoutSeconds: o.timeout } : {}),
          },
          process.stdout,
          process.stdin,
        );
      } catch (err) {
        if (!(err instanceof ConsoleFailed)) throw err;
        warn(`aio: ${err.message}`);
        result.code = EXIT.failed;
      }
    });

  program
    .command('doctor')
    .description(
      'why can VM A not reach VM B? causes from the engine and the host, proved by a ping from inside A',
    )
    .argument('<a>', 'VM name')
    .argument('<b>', 'VM name')
    .option('--no-probe', 'engine and host facts only; no ping from inside the guest')
    .addOption(outputOption())
    .action(async (a: string, b: string, o: { output: Output; probe: boolean }) => {
      const c = client();
      const idOf = async (name: string): Promise<string> => {
        const hit = (await c.list(`/vms?search=${encodeURIComponent(`name=${name}`)}`, 'vm')).find(
          (v) => text(v, 'name') === name,
        );
        const id = hit === undefined ? undefined : text(hit, 'id');
        if (id === undefined) throw new UsageError(`no VM named ${name}`);
        return id;
      };
      const d = await c.call(
        'GET',
        `/doctor?vm=${await idOf(a)}&peer=${await idOf(b)}&probe=${String(o.probe)}`,
      );
      const causes = listOf(d, 'causes.cause').map((x) => ({
        code: text(x, 'code') ?? '',
        network: text(x, 'network') ?? null,
        detail: text(x, 'detail') ?? '',
      }));
      const reachable = text(d, 'reachable') === 'true';
      const reached = text(d, 'probe.reached');
      const probe =
        text(d, 'probe.evidence') === undefined
          ? null
          : {
              network: text(d, 'probe.network') ?? null,
              address: text(d, 'probe.address') ?? null,
              command: text(d, 'probe.command') ?? '',
              reached: reached === undefined ? null : reached === 'true',
              evidence: text(d, 'probe.evidence') ?? '',
            };
      if (o.output === 'json') say(JSON.stringify({ reachable, causes, probe }, null, 2));
      else {
        if (causes.length === 0)
          say(
            `${a} → ${b}: nothing the engine or the host knows stands in the way (shared: ${listOf(
              d,
              'shared_networks.network',
            )
              .map((n) => text(n, 'name'))
              .join(', ')}).`,
          );
        else {
          say(`${a} → ${b}: causes:`);
          for (const x of causes) say(`  ${x.code}: ${x.detail}`);
        }
        if (probe !== null) {
          const verdict =
            probe.reached === null
              ? 'no probe'
              : probe.reached
                ? `${b} answered`
                : `${b} did NOT answer`;
          say(
            `proof: ${probe.command === '' ? '' : `${a}# ${probe.command} → `}${verdict}` +
              (probe.network === null ? '' : ` (on ${probe.network})`),
          );
          for (const line of probe.evidence.split('\n')) say(`  | ${line}`);
        }
        say(reachable ? `verdict: ${a} reaches ${b}.` : `verdict: ${a} does not reach ${b}.`);
      }
      if (!reachable) result.code = EXIT.failed;
    });

  const net = program.command('net').description('networks');
  net
    .command('list')
    .description('list the networks')
    .addOption(outputOption())
    .action(async (o: { output: Output }) => {
      const c = client();
      const [networks, labOf] = await Promise.all([c.list('/networks', 'network'), labNames(c)]);
      const rows = networks.map((n) => ({
        name: text(n, 'name') ?? '',
        isolated: text(n, 'isolated') === 'true',
        mtu: Number(text(n, 'mtu') ?? '0') || 1500,
        address_plan:
          text(n, 'address_plan.enabled') === 'true'
            ? (text(n, 'address_plan.subnet.cidr') ?? '')
            : '',
        lab: labOf.get(text(n, 'id') ?? '') ?? '',
        id: text(n, 'id') ?? '',
      }));
      say(o.output === 'json' ? JSON.stringify(rows, null, 2) : table(rows));
    });

  const lab = program
    .command('lab')
    .description('labs as code: one YAML file declares networks and VMs')
    .addHelpText('after', `\nThe file's JSON Schema: cli/lab/lab.schema.json`);
  const fileOption = (): Option =>
    new Option('-f, --file <lab.yml>', 'lab file').makeOptionMandatory();
  lab
    .command('validate')
    .description('check a lab file (no engine needed)')
    .addOption(fileOption())
    .action((o: { file: string }) => {
      const l = readLab(o.file);
      say(`${o.file}: valid lab "${l.name}" (${l.networks.length} networks, ${l.vms.length} VMs)`);
    });
  lab
    .command('plan')
    .description('show what apply would create, change, leave and remove')
    .addOption(fileOption())
    .addOption(outputOption())
    .action(async (o: { file: string; output: Output }) => {
      const l = readLab(o.file);
      const { plan } = await planFor(client(), l, false);
      printPlan(plan, o.output);
      if (plan.conflicts.length > 0) result.code = EXIT.failed;
    });
  lab
    .command('apply')
    .description(
      'make the engine match the lab file (only the difference), then start its VMs in waves',
    )
    .addOption(fileOption())
    .addOption(outputOption())
    .addOption(parallelismOption())
    .option('--no-start', 'create and change only; leave the VMs as they are')
    .action(async (o: { file: string; output: Output; start: boolean; parallelism?: number }) => {
      const c = client();
      const l = readLab(o.file);
      result.code = await applyPlan(c, l, false, o.output);
      // The file's start order goes with the lab, so "Start all" in the UI honours it too.
      if (result.code === EXIT.ok && l.vms.length > 0)
        if (await storeStartOrder(c, await labIdOf(c, l.name), l)) warn('  ✓ start order stored');
      if (result.code === EXIT.ok && o.start && l.vms.length > 0)
        result.code = await startAll(c, l, l, o.parallelism, o.output);
    });
  const byNameOrFile = (verb: string): Command =>
    lab
      .command(verb)
      .argument('[name]', 'lab name (instead of -f)')
      .option('-f, --file <lab.yml>', 'lab file')
      .addOption(outputOption());
  const pick = (name: string | undefined, file: string | undefined): Lab => {
    if ((name === undefined) === (file === undefined))
      throw new UsageError('give either a lab name or -f lab.yml');
    return file !== undefined ? readLab(file) : bareLab(name ?? '');
  };
  byNameOrFile('start')
    .description("start the lab's down VMs in waves (the file gives the start order)")
    .addOption(parallelismOption())
    .action(
      async (
        name: string | undefined,
        o: { file?: string; output: Output; parallelism?: number },
      ) => {
        const l = pick(name, o.file);
        result.code = await startAll(
          client(),
          l,
          o.file !== undefined ? l : null,
          o.parallelism,
          o.output,
        );
      },
    );
  byNameOrFile('stop')
    .description("power off the lab's running VMs (and end a start in progress)")
    .action(async (name: string | undefined, o: { file?: string; output: Output }) => {
      const l = pick(name, o.file);
      const c = client();
      const r = await c.call('POST', `/labs/${await labIdOf(c, l.name)}/stop`, {});
      const stopped = listOf(r, 'vms.vm').map((v) => text(v, 'name') ?? '');
      if (o.output === 'json') say(JSON.stringify({ stopped, fault: r.fault ?? null }, null, 2));
      else say(`Lab ${l.name}: ${stopped.length} VM(s) stopped.`);
      if (text(r, 'status') !== 'complete') {
        warn(`aio: ${text(r, 'fault.detail') ?? 'some VMs did not stop'}`);
        result.code = EXIT.failed;
      }
    });
  lab
    .command('list')
    .description("list the engine's labs")
    .addOption(outputOption())
    .action(async (o: { output: Output }) => {
      const rows = (await client().list('/labs', 'lab')).map((l) => ({
        name: text(l, 'name') ?? '',
        networks: listOf(l, 'networks.network').length,
        vms: listOf(l, 'vms.vm').length,
        id: text(l, 'id') ?? '',
      }));
      say(o.output === 'json' ? JSON.stringify(rows, null, 2) : table(rows));
    });
  lab
    .command('destroy')
    .description('remove everything the lab created (by file or by lab name)')
    .argument('[name]', 'lab name (instead of -f)')
    .option('-f, --file <lab.yml>', 'lab file')
    .addOption(outputOption())
    .action(async (name: string | undefined, o: { file?: string; output: Output }) => {
      if ((name === undefined) === (o.file === undefined)) {
        throw new UsageError('give either a lab name or -f lab.yml');
      }
      const l: Lab = o.file !== undefined ? readLab(o.file) : bareLab(name ?? '');
      result.code = await applyPlan(client(), l, true, o.output);
    });

  // Portable bundles (issue 15): `aio lab export` / `aio lab import` (cli/lab/bundle/).
  registerBundleCommands(lab, {
    client,
    url: () => connectionOf(program.opts<GlobalOptions>()).url,
    result,
    say,
    warn,
    readLab,
  });

  program
    .command('completion')
    .description('print a bash completion script (eval "$(aio completion)")')
    .action(() => {
      say(bashCompletion(program));
    });
  return program;
}

/** Runs `aio` with `argv` (user arguments only); resolves to the exit code. */
export async function run(argv: readonly string[]): Promise<number> {
  const result = { code: EXIT.ok as number };
  const program = buildProgram(result);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return result.code;
  } catch (err) {
    if (err instanceof CommanderError) {
      return err.code === 'commander.helpDisplayed' ||
        err.code === 'commander.version' ||
        err.code === 'commander.help'
        ? EXIT.ok
        : EXIT.usage;
    }
    if (err instanceof UsageError) {
      warn(`aio: ${err.message}`);
      return EXIT.usage;
    }
    if (err instanceof EngineUnreachable) {
      warn(`aio: ${err.message}`);
      return EXIT.unreachable;
    }
    if (err instanceof EngineAuthFailed) {
      warn(`aio: ${err.message}`);
      return EXIT.auth;
    }
    if (err instanceof EngineFault) {
      warn(`aio: ${err.message}`);
      return EXIT.failed;
    }
    warn(`aio: ${err instanceof Error ? err.message : String(err)}`);
    return EXIT.failed;
  }
}
