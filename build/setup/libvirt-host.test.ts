// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from 'vitest';

import {
  LIBVIRT_CHAINS,
  missingChainCommands,
  parseLibvirtConf,
  qemuConfSatisfies,
  qemuConfText,
} from './libvirt-host';

describe('qemu.conf', () => {
  it('our own text satisfies itself and explains why', () => {
    expect(qemuConfSatisfies(qemuConfText())).toBe(true);
    expect(qemuConfText()).toMatch(/^# .*npm run setup/);
    expect(qemuConfText()).toMatch(/security_driver none: /);
  });

  it('accepts the same settings written differently, with extra settings', () => {
    const text =
      'user="root"\n  group = "root"\nsecurity_driver = "none"\ncgroup_controllers = []\n' +
      'remember_owner = 0\nmax_files = 4096\n';
    expect(qemuConfSatisfies(text)).toBe(true);
  });

  it('rejects a missing or different setting, and commented-out ones', () => {
    expect(qemuConfSatisfies('user = "root"\n')).toBe(false);
    expect(qemuConfSatisfies(qemuConfText().replace('"none"', '"apparmor"'))).toBe(false);
    expect(qemuConfSatisfies(qemuConfText().replace('user = ', '#user = '))).toBe(false);
  });

  it('parses key = value lines and skips comments', () => {
    expect(parseLibvirtConf('# c\n\na = "x y"\nb=[ "c", "d" ]\n')).toEqual({
      a: '"xy"',
      b: '["c","d"]',
    });
  });
});

describe('missingChainCommands', () => {
  it("adds libvirt's chains and jumps in libvirt's order on an empty firewall", () => {
    const empty = { filter: '-P INPUT ACCEPT\n', nat: '', mangle: '' };
    const commands = missingChainCommands(empty).map((c) => c.join(' '));
    expect(commands).toContain('-w -t filter -N LIBVIRT_INP');
    expect(commands).toContain('-w -t nat -I POSTROUTING -j LIBVIRT_PRT');
    const forward = commands.filter((c) => c.includes('-I FORWARD'));
    // Each insert goes on top: FWO, FWI, FWX inserted in turn end up as FWX, FWI, FWO.
    expect(forward).toEqual([
      '-w -t filter -I FORWARD -j LIBVIRT_FWO',
      '-w -t filter -I FORWARD -j LIBVIRT_FWI',
      '-w -t filter -I FORWARD -j LIBVIRT_FWX',
    ]);
    expect(commands).toHaveLength(14);
  });

  it('adds nothing when everything is there', () => {
    const rules: Record<string, string> = {};
    for (const [table, chains] of Object.entries(LIBVIRT_CHAINS)) {
      rules[table] = chains.map(([p, c]) => `-N ${c}\n-A ${p} -j ${c}`).join('\n');
    }
    expect(missingChainCommands(rules)).toEqual([]);
  });
});
