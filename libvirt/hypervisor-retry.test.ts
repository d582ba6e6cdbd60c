// SPDX-License-Identifier: Apache-2.0
/**
 * A lost connection during a non-idempotent call (issue 10 item 3): the start may have reached
 * libvirtd before the connection broke, so the retry after reconnecting asks first and never
 * starts the domain twice. The binding is replaced by a fake whose first domainCreate starts
 * the domain and then reports the connection as gone.
 */
import type * as Libvirt from '@unraid/libvirt';
import { beforeEach, describe, expect, it, vi } from 'vitest';

const calls: string[] = [];
let running = false;
/** What the first call does before the connection is lost: 'acted' or 'nothing'. */
let firstCall: 'acted' | 'nothing' | 'ok' = 'acted';

function act(effect: () => void): Promise<void> {
  const mode = firstCall;
  firstCall = 'ok';
  if (mode !== 'nothing') effect();
  return mode === 'ok'
    ? Promise.resolve()
    : Promise.reject(new Error('internal error: client socket is closed'));
}

vi.mock('@unraid/libvirt', async (importOriginal) => {
  const real = await importOriginal<typeof Libvirt>();
  class Hypervisor {
    connectOpen(): Promise<void> {
      calls.push('connectOpen');
      return Promise.resolve();
    }
    connectClose(): Promise<void> {
      return Promise.resolve();
    }
    domainLookupByUUIDString(): Promise<object> {
      return Promise.resolve({});
    }
    domainGetInfo(): Promise<{ state: number }> {
      calls.push('domainGetInfo');
      return Promise.resolve({
        state: running ? real.DomainState.RUNNING : real.DomainState.SHUTOFF,
      });
    }
    domainCreate(): Promise<void> {
      calls.push('domainCreate');
      return act(() => {
        running = true;
      });
    }
    domainDestroy(): Promise<void> {
      calls.push('domainDestroy');
      return act(() => {
        running = false;
      });
    }
  }
  return { ...real, Hypervisor };
});

const { LibvirtConnection } = await import('./hypervisor');

beforeEach(() => {
  calls.length = 0;
  running = false;
  firstCall = 'acted';
});

const creates = (): number => calls.filter((c) => c === 'domainCreate').length;

describe('retry after a lost connection', () => {
  it('does not start a domain again when the first start got through', async () => {
    await new LibvirtConnection('qemu:///fake').start('uuid');
    expect(creates()).toBe(1);
    expect(calls).toContain('domainGetInfo');
    expect(running).toBe(true);
  });

  it('starts it on the retry when the first attempt never arrived', async () => {
    firstCall = 'nothing';
    await new LibvirtConnection('qemu:///fake').start('uuid');
    expect(creates()).toBe(2);
    expect(running).toBe(true);
  });

  it('does not power off again when the first power-off got through', async () => {
    running = true;
    await new LibvirtConnection('qemu:///fake').destroy('uuid');
    expect(calls.filter((c) => c === 'domainDestroy')).toHaveLength(1);
    expect(running).toBe(false);
  });
});
