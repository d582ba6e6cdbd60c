// SPDX-License-Identifier: Apache-2.0
/**
 * The host agent's systemd unit (packaging/systemd/aio-host-agent.service) starts what
 * exists with options the agent knows, restarts only when restarting can help, and — where
 * systemd is installed — passes `systemd-analyze verify`.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

import { describe, expect, it } from 'vitest';

const REPO = resolve(import.meta.dirname, '../..');
const UNIT = join(REPO, 'packaging/systemd/aio-host-agent.service');
const unit = readFileSync(UNIT, 'utf8');

const value = (key: string): string => {
  const line = unit.split('\n').find((l) => l.startsWith(`${key}=`));
  if (line === undefined) throw new Error(`${key} missing`);
  return line.slice(key.length + 1);
};

describe('aio-host-agent.service', () => {
  it('starts the agent entry point with options the agent accepts', () => {
    const [node, entry, ...args] = value('ExecStart').split(' ');
    expect(node).toBe('/usr/bin/node');
    const inRepo = (entry ?? '').replace(/^\/opt\/aio-lab\//, '');
    expect(existsSync(join(REPO, inRepo)), inRepo).toBe(true);
    const main = readFileSync(join(REPO, 'libvirt/agent-server/main.ts'), 'utf8');
    const flags = args.filter((a) => a.startsWith('--')).map((a) => a.slice(2));
    expect(flags).toEqual(['state-dir', 'listen']);
    // Each flag is one of main.ts's parseArgs options (`'state-dir': {`, `listen: {`).
    for (const f of flags) expect(main).toMatch(new RegExp(`\\n\\s+'?${f}'?: \\{`));
    expect(value('RestartPreventExitStatus').split(' ')).toEqual(['2', '3']);
    // The state dir holds the host's private key.
    expect(value('StateDirectoryMode')).toBe('0700');
  });

  it('passes systemd-analyze verify where systemd is installed', async (t) => {
    if (!existsSync('/usr/bin/systemd-analyze')) {
      console.log('systemd-analyze verify skipped: systemd is not installed on this machine');
      t.skip();
      return;
    }
    const r = await promisify(execFile)('systemd-analyze', ['verify', UNIT]).then(
      () => '',
      (e: unknown) => (e as { stderr?: string }).stderr ?? 'systemd-analyze failed',
    );
    // Missing dependency units (libvirtd on a build machine) are not the unit's fault.
    expect(r.split('\n').filter((l) => l.trim() && !/not found|No such file/.test(l))).toEqual([]);
  });
});
