// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from 'vitest';

import { GraphicsTickets } from './tickets';

const display = { address: '127.0.0.1', port: 5900 };

describe('graphics tickets', () => {
  it('open once, then never again', () => {
    const tickets = new GraphicsTickets();
    tickets.add({ value: 't1', vmId: 'vm', display, expiresAt: Date.now() + 60_000 });
    expect(tickets.take('t1')?.display).toEqual(display);
    expect(tickets.take('t1')).toBeNull();
    expect(tickets.take('nope')).toBeNull();
  });

  it('expire', () => {
    let now = 1_000;
    const tickets = new GraphicsTickets(() => now);
    tickets.add({ value: 't1', vmId: 'vm', display, expiresAt: 2_000 });
    now = 2_000;
    expect(tickets.take('t1')).toBeNull();
  });

  it('a new ticket for the VM replaces the older one', () => {
    const tickets = new GraphicsTickets();
    const expiresAt = Date.now() + 60_000;
    tickets.add({ value: 'old', vmId: 'vm', display, expiresAt });
    tickets.add({ value: 'other', vmId: 'vm2', display, expiresAt });
    tickets.add({ value: 'new', vmId: 'vm', display, expiresAt });
    expect(tickets.take('old')).toBeNull();
    expect(tickets.take('other')).not.toBeNull();
    expect(tickets.take('new')).not.toBeNull();
  });
});
