// SPDX-License-Identifier: Apache-2.0
/**
 * Issue 16, first step: a real tiny guest gets a VNC screen on 127.0.0.1 only, closed until a
 * ticket sets its password; a ticket opens the engine's WebSocket once and the bytes reach
 * QEMU's VNC server (RFB greeting, VNC authentication, ServerInit); without a ticket, with a
 * used or an expired one the WebSocket is refused; an expired or replaced password is refused
 * by the VNC server itself. Real libvirtd and QEMU; checked out of band with `virsh` and `ss`.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';

import { parseVncDisplay, setVncTicket, type VncDisplay } from '../../libvirt/domain/graphics';
import { run } from '../../libvirt/exec';
import type { HostAgent } from '../../libvirt/host-agent';
import { createLocalHostAgent } from '../../libvirt/local-host-agent';
import { TINY_GUEST_MEMORY_MIB } from '../../libvirt/tiny-guest';
import { GRAPHICS_WS_PREFIX, GraphicsProxy } from '../../main/api/graphics/ws-proxy';
import { GraphicsTickets } from '../../main/engine/graphics/tickets';
import { virshDumpxml } from '../support/host-inspect';
import { ByteQueue, rfbLogin, type RfbResult } from '../support/rfb-client';
import {
  claimRunPrefix,
  hostTestSkipReason,
  releaseRunPrefix,
  runDir,
  sweepStale,
} from '../support/run-prefix';

const FAMILY = 'gx';
const URI = 'qemu:///system';

const skip = hostTestSkipReason();
if (skip) console.log(`graphics-console.test.ts skipped: ${skip}`);

/** VNC login straight to the loopback port. */
async function tcpLogin(display: VncDisplay, password: string): Promise<RfbResult> {
  const q = new ByteQueue();
  const socket = connect({ host: display.address, port: display.port });
  socket.on('data', (c: Buffer) => {
    q.push(c);
  });
  socket.on('close', () => {
    q.close();
  });
  socket.on('error', () => undefined);
  try {
    return await rfbLogin(q, (d) => socket.write(d), password);
  } finally {
    socket.destroy();
  }
}

/** Open the proxy's WebSocket; resolves with the socket or the HTTP status it was refused with. */
function openWs(url: string): Promise<{ ws: WebSocket; q: ByteQueue } | { status: number }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, ['binary']);
    const q = new ByteQueue();
    ws.on('message', (data: Buffer) => {
      q.push(data);
    });
    ws.on('close', () => {
      q.close();
    });
    ws.once('open', () => {
      resolve({ ws, q });
    });
    ws.once('unexpected-response', (_req, res) => {
      resolve({ status: res.statusCode ?? 0 });
      ws.terminate();
    });
    ws.once('error', reject);
  });
}

describe.skipIf(Boolean(skip))('graphical console of a tiny guest (VNC over the WebSocket)', () => {
  const prefix = claimRunPrefix(FAMILY);
  const dir = runDir(prefix);
  const uuid = randomUUID();
  const name = `${prefix}-screen`;
  let agent: HostAgent;
  let display: VncDisplay;
  const tickets = new GraphicsTickets();
  let originOk = true;
  const proxy = new GraphicsProxy(
    (value) => Promise.resolve(tickets.take(value)?.display ?? null),
    () => originOk,
  );
  let server: Server;
  let base: string;

  beforeAll(async () => {
    await sweepStale(FAMILY);
    agent = createLocalHostAgent({ stateDir: join(dir, 'state') });
    await agent.domainStart({
      uuid,
      name,
      memoryMiB: TINY_GUEST_MEMORY_MIB,
      vcpus: 1,
      boot: { kind: 'tiny', addresses: [] },
      interfaces: [],
      serialLogPath: join(dir, `${name}.serial.log`),
    });
    server = createServer((_req, res) => {
      res.writeHead(404).end();
    });
    server.on('upgrade', (req, socket, head) => {
      if (!proxy.handleUpgrade(req, socket, head)) socket.destroy();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `ws://127.0.0.1:${(server.address() as AddressInfo).port}${GRAPHICS_WS_PREFIX}`;
  });

  afterAll(async () => {
    proxy.close();
    await new Promise((resolve) => server?.close(resolve));
    await agent.domainPowerOff(uuid).catch(() => undefined);
    await agent.domainUndefine(uuid).catch(() => undefined);
    await agent.close();
    await sweepStale(FAMILY);
    releaseRunPrefix(prefix);
  });

  it('listens on 127.0.0.1 only, on an automatic port', async () => {
    const xml = await virshDumpxml(uuid);
    const found = parseVncDisplay(xml);
    expect(found).not.toBeNull();
    display = found as VncDisplay;
    expect(display.address).toBe('127.0.0.1');
    expect(display.port).toBeGreaterThanOrEqual(5900);
    const { stdout } = await run('virsh', ['-c', URI, 'domdisplay', uuid]);
    expect(stdout.trim()).toBe(`vnc://127.0.0.1:${display.port - 5900}`);
    // Out of band: every listening socket on that port is bound to loopback.
    const ss = await run('ss', ['-Htln', `sport = :${display.port}`]);
    const locals = ss.stdout
      .trim()
      .split('\n')
      .map((l) => l.trim().split(/\s+/)[3]);
    expect(locals.length).toBeGreaterThan(0);
    for (const local of locals) expect(local).toBe(`127.0.0.1:${display.port}`);
  });

  it('refuses VNC logins until a ticket is set, and once it expires or is replaced', async () => {
    // The password from the definition is random and already expired.
    const before = await tcpLogin(display, '');
    expect(before.greeting).toMatch(/^RFB 003\.00\d\n$/);
    expect(before.auth.ok).toBe(false);

    await setVncTicket(URI, uuid, 'Old-pw12', new Date(Date.now() - 1000));
    expect((await tcpLogin(display, 'Old-pw12')).auth.ok).toBe(false);

    await setVncTicket(URI, uuid, 'Good-pw1', new Date(Date.now() + 60_000));
    const good = await tcpLogin(display, 'Good-pw1');
    expect(good.auth).toMatchObject({ ok: true });
    expect(good.auth.ok && good.auth.width).toBeGreaterThan(0);
    expect((await tcpLogin(display, 'Old-pw12')).auth.ok).toBe(false);
  });

  it('a ticket opens the WebSocket once and reaches the VNC server', async () => {
    const value = 'Ws-tick1';
    await setVncTicket(URI, uuid, value, new Date(Date.now() + 60_000));
    tickets.add({ value, vmId: uuid, display, expiresAt: Date.now() + 60_000 });

    const opened = await openWs(`${base}${value}`);
    if (!('ws' in opened)) throw new Error(`refused with ${opened.status}`);
    const result = await rfbLogin(
      opened.q,
      (d) => {
        opened.ws.send(d);
      },
      value,
    );
    expect(result.greeting).toMatch(/^RFB 003\.00\d\n$/);
    expect(result.auth).toMatchObject({ ok: true });
    opened.ws.close();

    // Used once: refused before any WebSocket exists.
    expect(await openWs(`${base}${value}`)).toEqual({ status: 401 });
  });

  it('refuses a WebSocket without a ticket, with an unknown or expired one, or from a foreign page', async () => {
    expect(await openWs(base)).toEqual({ status: 401 });
    expect(await openWs(`${base}nope`)).toEqual({ status: 401 });
    expect(await openWs(`${base}%E0%A4%A`)).toEqual({ status: 401 });
    tickets.add({ value: 'expired1', vmId: uuid, display, expiresAt: Date.now() - 1 });
    expect(await openWs(`${base}expired1`)).toEqual({ status: 401 });

    tickets.add({ value: 'fresh123', vmId: uuid, display, expiresAt: Date.now() + 60_000 });
    originOk = false;
    expect(await openWs(`${base}fresh123`)).toEqual({ status: 403 });
    originOk = true;
  });
});
