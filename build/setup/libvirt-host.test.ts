// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from 'vitest';

import { parseLibvirtConf, qemuConfSatisfies, qemuConfText } from './libvirt-host';

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
