// SPDX-License-Identifier: Apache-2.0
/**
 * `aio-host-agent` — run this host's agent for a remote engine (issue 17):
 *
 *   npm run host-agent -- --state-dir /var/lib/aio-host --listen 0.0.0.0:54321 \
 *     --engine ENGINE:54323 --token=TOKEN --ca-hash sha256:HEX     # first start: enroll
 *   npm run host-agent -- --state-dir /var/lib/aio-host --listen 0.0.0.0:54321   # later
 *
 * The token and CA hash come from the engine (`POST /hosts` answers them; the Hosts page
 * shows them). Without an earlier enrollment and without a token it refuses to start: it
 * never listens unauthenticated. Prints `listening on HOST:PORT` once serving.
 */
import { parseArgs } from 'node:util';

import { createLocalHostAgent } from '../local-host-agent';
import { enroll, loadEnrollment } from './enroll';
import { DEFAULT_AGENT_PORT } from './protocol';
import { serveHostAgent } from './server';

const usage =
  'usage: aio-host-agent --state-dir DIR [--listen ADDR:PORT] [--libvirt-uri URI]\n' +
  '                      [--engine HOST:PORT --token TOKEN --ca-hash sha256:HEX]\n';

const { values } = parseArgs({
  options: {
    'state-dir': { type: 'string' },
    listen: { type: 'string', default: `0.0.0.0:${DEFAULT_AGENT_PORT}` },
    'libvirt-uri': { type: 'string' },
    engine: { type: 'string' },
    token: { type: 'string' },
    'ca-hash': { type: 'string' },
  },
  strict: true,
});

const log = (line: string): void => {
  process.stdout.write(`[aio-host-agent] ${line}\n`);
};

async function main(): Promise<number> {
  const stateDir = values['state-dir'];
  if (!stateDir) {
    process.stderr.write(usage);
    return 2;
  }
  const [lhost, lport] = [
    values.listen.slice(0, values.listen.lastIndexOf(':')),
    Number(values.listen.slice(values.listen.lastIndexOf(':') + 1)),
  ];
  if (!lhost || !Number.isInteger(lport)) {
    process.stderr.write(usage);
    return 2;
  }
  let tls = await loadEnrollment(stateDir);
  if (values.token) {
    if (!values.engine || !values['ca-hash']) {
      process.stderr.write(`--token needs --engine and --ca-hash\n${usage}`);
      return 2;
    }
    tls = await enroll({
      engine: values.engine,
      token: values.token,
      caHash: values['ca-hash'],
      stateDir,
    });
    log('enrolled with the engine');
  }
  if (!tls) {
    process.stderr.write(`not enrolled yet: give --engine, --token and --ca-hash\n${usage}`);
    return 3;
  }
  const agent = createLocalHostAgent({
    stateDir,
    ...(values['libvirt-uri'] ? { libvirtUri: values['libvirt-uri'] } : {}),
  });
  const served = await serveHostAgent(agent, tls, { host: lhost, port: lport }, log);
  log(`listening on ${served.address.host}:${served.address.port}`);
  await new Promise<void>((resolve) => {
    process.once('SIGTERM', resolve);
    process.once('SIGINT', resolve);
  });
  await served.close();
  await agent.close();
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`aio-host-agent: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
  },
);
