// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from 'vitest';

import { runSteps, SetupError, type SetupStep } from './step';

const step = (name: string, run: SetupStep['run'], exitCode = 6): SetupStep => ({
  name,
  exitCode,
  run,
});

describe('runSteps', () => {
  it('prints unchanged or the note, with a duration, for every step', async () => {
    const lines: string[] = [];
    const code = await runSteps(
      [
        step('a', () => Promise.resolve({ changed: false })),
        step('b', (log) => {
          log('working');
          return Promise.resolve({ changed: true, note: 'did b' });
        }),
        step('c', () => Promise.resolve({ changed: false, note: 'fact' })),
      ],
      (line) => lines.push(line),
    );
    expect(code).toBe(0);
    expect(lines[0]).toMatch(/^\[setup\] a: unchanged \(\d+\.\d\d s\)$/);
    expect(lines[1]).toBe('[setup] b: working');
    expect(lines[2]).toMatch(/^\[setup\] b: did b \(\d+\.\d\d s\)$/);
    expect(lines[3]).toMatch(/^\[setup\] c: unchanged — fact \(/);
    expect(lines[4]).toMatch(/^\[setup\] all steps done in /);
  });

  it("stops at the first failure with the step's exit code, or the error's own", async () => {
    const lines: string[] = [];
    let ranAfter = false;
    const after = step('after', () => {
      ranAfter = true;
      return Promise.resolve({ changed: false });
    });
    expect(
      await runSteps([step('x', () => Promise.reject(new Error('boom')), 7), after], (line) =>
        lines.push(line),
      ),
    ).toBe(7);
    expect(ranAfter).toBe(false);
    expect(lines.join('\n')).toMatch(/x: FAILED after .*\nboom/);
    expect(
      await runSteps([step('y', () => Promise.reject(new SetupError('no sudo', 3)), 7)], () => 0),
    ).toBe(3);
  });
});
