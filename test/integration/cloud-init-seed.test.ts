// SPDX-License-Identifier: Apache-2.0
/**
 * The cloud-init NoCloud seed built for real (issue 12): `openssl passwd -6` hashes the
 * password, `xorriso` packs the files into an ISO labelled `cidata`, written atomically with
 * mode 0600. Checked out of band: the ISO is read back with xorriso, the password hash is
 * verified with openssl, and the YAML files are parsed with PyYAML (what cloud-init uses).
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { run } from '../../libvirt/exec';
import type { CloudInitSeedRequest } from '../../libvirt/host-agent';
import { LocalHostAgent } from '../../libvirt/local-host-agent';
import { HostErrorCode } from '../../main/contract/errors';

const PASSWORD = 'correct horse battery staple';
const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFakeKeyForTestsOnly0000000000000000000 u@lab';

function missingTool(): string | false {
  for (const tool of ['xorriso', 'openssl']) {
    try {
      execFileSync('which', [tool], { stdio: 'ignore' });
    } catch {
      return `${tool} is not installed (Debian package ${tool}; npm run setup installs it)`;
    }
  }
  return false;
}

function hasPyYaml(): boolean {
  try {
    execFileSync('python3', ['-c', 'import yaml'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const skip = missingTool();
if (skip) console.log(`cloud-init-seed.test.ts skipped: ${skip}`);

describe.skipIf(Boolean(skip))('cloud-init NoCloud seed', () => {
  let dir: string;
  let agent: LocalHostAgent;
  const request: CloudInitSeedRequest = {
    vmId: '0b7e6c1a-1111-4222-8333-444455556666',
    nics: [{ name: 'eth0', mac: '52:54:00:12:34:56' }],
    initialization: {
      hostName: 'vm1',
      rootPassword: PASSWORD,
      authorizedSshKeys: KEY,
      dnsServers: '10.0.0.254',
      dnsSearch: 'lab.test',
      nicConfigurations: [
        {
          name: 'eth0',
          onBoot: true,
          bootProtocol: 'static',
          ip: { address: '10.0.0.5', netmask: '24', gateway: '10.0.0.1' },
        },
      ],
      customScript: 'runcmd:\n  - echo custom > /root/custom\n',
    },
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'aio-seed-'));
    agent = new LocalHostAgent({ stateDir: dir });
  });

  afterAll(async () => {
    await agent.close();
    await rm(dir, { recursive: true, force: true });
  });

  const extract = async (iso: string): Promise<Record<string, string>> => {
    const out = join(dir, 'extract');
    await rm(out, { recursive: true, force: true });
    await run('xorriso', ['-osirrox', 'on', '-indev', iso, '-extract', '/', out]);
    const files: Record<string, string> = {};
    for (const name of await readdir(out)) files[name] = await readFile(join(out, name), 'utf8');
    return files;
  };

  it('builds a cidata ISO, 0600, with the three files and no temporary left', async () => {
    const seed = await agent.cloudInitSeed(request);
    expect(seed.path).toBe(join(dir, 'cloud-init', `${request.vmId}.iso`));
    expect((await stat(seed.path)).mode & 0o777).toBe(0o600);
    expect(await readdir(join(dir, 'cloud-init'))).toEqual([`${request.vmId}.iso`]);
    const { stdout } = await run('xorriso', ['-indev', seed.path, '-pvd_info']);
    expect(stdout).toMatch(/Volume Id\s*:\s*cidata/);
    const files = await extract(seed.path);
    expect(Object.keys(files).sort()).toEqual(['meta-data', 'network-config', 'user-data']);
    expect(files['meta-data']).toContain(seed.instanceId);
  });

  it('holds a SHA-512 crypt hash that verifies, never the password', async () => {
    const files = await extract((await agent.cloudInitSeed(request)).path);
    const userData = files['user-data'] ?? '';
    expect(userData).not.toContain(PASSWORD);
    const hash = /password: "?(\$6\$[^"\s]+)"?/.exec(userData)?.[1];
    expect(hash).toBeDefined();
    const salt = (hash ?? '').split('$')[2] ?? '';
    const again = await run('openssl', ['passwd', '-6', '-salt', salt, '-stdin'], {
      input: `${PASSWORD}\n`,
    });
    expect(again.stdout.trim()).toBe(hash);
  });

  it.skipIf(!hasPyYaml())('every YAML part parses as cloud-init reads it (PyYAML)', async () => {
    const files = await extract((await agent.cloudInitSeed(request)).path);
    const script = [
      'import email, json, sys, yaml',
      'd = json.loads(sys.stdin.read())',
      'out = {"meta": yaml.safe_load(d["meta-data"]), "net": yaml.safe_load(d["network-config"])}',
      'msg = email.message_from_string(d["user-data"])',
      'out["parts"] = [yaml.safe_load(p.get_payload()) for p in msg.walk() if not p.is_multipart()]',
      'print(json.dumps(out))',
    ].join('\n');
    const { stdout } = await run('python3', ['-c', script], { input: JSON.stringify(files) });
    const parsed = JSON.parse(stdout) as {
      meta: Record<string, string>;
      net: {
        version: number;
        ethernets: Record<string, { addresses: string[]; match: { macaddress: unknown } }>;
      };
      parts: Record<string, unknown>[];
    };
    expect(parsed.meta['local-hostname']).toBe('vm1');
    expect(parsed.net.version).toBe(2);
    expect(parsed.net.ethernets.eth0?.addresses).toEqual(['10.0.0.5/24']);
    // YAML 1.1 would read an unquoted MAC as a base-60 integer.
    expect(parsed.net.ethernets.eth0?.match.macaddress).toBe('52:54:00:12:34:56');
    expect(parsed.parts).toHaveLength(2);
    expect(parsed.parts[0]).toMatchObject({ hostname: 'vm1', disable_root: false });
    expect(parsed.parts[1]).toEqual({ runcmd: ['echo custom > /root/custom'] });
  });

  it('a changed configuration gets a new instance id; the seed is replaced in place', async () => {
    const a = await agent.cloudInitSeed(request);
    const b = await agent.cloudInitSeed({
      ...request,
      initialization: { ...request.initialization, hostName: 'vm2' },
    });
    expect(b.path).toBe(a.path);
    expect(b.instanceId).not.toBe(a.instanceId);
    expect((await extract(b.path))['meta-data']).toContain('vm2');
  });

  it('refuses a bad initialization without writing anything', async () => {
    const vmId = '0b7e6c1a-1111-4222-8333-000000000000';
    await expect(
      agent.cloudInitSeed({ ...request, vmId, initialization: { hostName: 'bad name' } }),
    ).rejects.toMatchObject({ code: HostErrorCode.HOST_NETWORK_INVALID });
    await expect(agent.cloudInitSeed({ ...request, vmId: '../../etc/x' })).rejects.toMatchObject({
      code: HostErrorCode.HOST_NETWORK_INVALID,
    });
    expect(await readdir(join(dir, 'cloud-init'))).toEqual([`${request.vmId}.iso`]);
  });

  it('removal deletes the seed and is idempotent', async () => {
    await agent.removeCloudInitSeed(request.vmId);
    await agent.removeCloudInitSeed(request.vmId);
    expect(await readdir(join(dir, 'cloud-init'))).toEqual([]);
  });
});
