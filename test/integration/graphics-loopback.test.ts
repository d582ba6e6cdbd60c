// SPDX-License-Identifier: Apache-2.0
/**
 * The Electron window's screen listener (main/api/graphics/loopback-server.ts) without
 * Electron, against a real engine (real SQLite, tickets spent through `UseGraphicsTicket`):
 * it listens on 127.0.0.1 only; a bogus ticket gets 401; a plain HTTP request, another path,
 * a wrong or missing Origin and a foreign Host header are refused before any ticket is looked
 * at. No guest is booted: the browser path's test (graphics-console.test.ts) proves the bytes
 * reach a real screen through the same GraphicsProxy.
 */
import { request } from 'node:http';
import { type AddressInfo, createServer, type Server } from 'node:net';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';

import {
  appOriginOf,
  type GraphicsLoopback,
  isAppOrigin,
  startGraphicsLoopback,
} from '../../main/api/graphics/loopback-server';
import { engineGraphicsTickets } from '../../main/api/graphics/ws-proxy';
import { type Harness, removeDir, startHarness } from '../fixtures/engine-harness';
import { RecordingHostAgent } from '../fixtures/recording-host-agent';

const APP_URL = 'file:///opt/aio/dist/renderer/index.html';

/**
 * The fake host's VM screen is a local TCP echo server, so a real ticket proves the bytes pass
 * the loopback listener both ways without a guest.
 */
class EchoScreenAgent extends RecordingHostAgent {
  port = 0;
  override domainGraphics(uuid: string): Promise<{ address: string; port: number } | null> {
    void super.domainGraphics(uuid);
    return Promise.resolve({ address: '127.0.0.1', port: this.port });
  }
}

let h: Harness;
let server: GraphicsLoopback;
let echo: Server;
const agent = new EchoScreenAgent();
/** Tickets the engine was asked to spend, in order. */
const spent: string[] = [];

beforeAll(async () => {
  echo = createServer((c) => {
    c.on('error', () => undefined);
    c.pipe(c);
  });
  await new Promise<void>((resolve) => {
    echo.listen(0, '127.0.0.1', resolve);
  });
  agent.port = (echo.address() as AddressInfo).port;
  h = await startHarness(agent);
  const lookup = engineGraphicsTickets(h.engine);
  server = await startGraphicsLoopback(
    (ticket) => {
      spent.push(ticket);
      return lookup(ticket);
    },
    () => APP_URL,
  );
});

afterAll(async () => {
  await server.close();
  await h.close();
  echo.close();
  removeDir(h.dir);
});

/** Open a WebSocket; resolves with 'open' or the HTTP status the upgrade was refused with. */
function upgrade(url: string, headers: Record<string, string> = {}): Promise<number | 'open'> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, ['binary'], { headers });
    ws.once('open', () => {
      resolve('open');
      ws.terminate();
    });
    ws.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.once('error', reject);
  });
}

/** A plain (non-upgrade) HTTP request; resolves with its status. */
function plain(path: string): Promise<number> {
  const { port } = new URL(server.origin.replace('ws:', 'http:'));
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path, headers: { Origin: 'file://' } },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe('graphics-only loopback listener for the Electron window', () => {
  it('listens on 127.0.0.1 with an ephemeral port and names exactly that origin', () => {
    expect(server.origin).toMatch(/^ws:\/\/127\.0\.0\.1:[1-9][0-9]*$/);
    expect(server.url).toBe(`${server.origin}/ovirt-engine/services/graphics/`);
  });

  it('answers a bogus ticket from the app page with 401 (the engine knows no such ticket)', async () => {
    const before = spent.length;
    expect(await upgrade(`${server.url}bogus-ticket-123`, { Origin: 'file://' })).toBe(401);
    expect(spent.slice(before)).toEqual(['bogus-ticket-123']);
    expect(await upgrade(server.url, { Origin: 'file://' })).toBe(401);
  });

  it('refuses every non-WebSocket request, on the graphics path too', async () => {
    expect(await plain('/ovirt-engine/services/graphics/bogus')).toBe(426);
    expect(await plain('/ovirt-engine/api')).toBe(426);
    expect(await plain('/')).toBe(426);
  });

  it('refuses an upgrade on any other path', async () => {
    expect(await upgrade(`${server.origin}/ovirt-engine/api`, { Origin: 'file://' })).toBe(404);
    expect(await upgrade(`${server.origin}/`, { Origin: 'file://' })).toBe(404);
  });

  it('refuses a wrong, missing or foreign Origin and a foreign Host before looking at the ticket', async () => {
    const before = spent.length;
    const url = `${server.url}bogus-ticket-456`;
    expect(await upgrade(url, { Origin: 'http://evil.example' })).toBe(403);
    expect(await upgrade(url, { Origin: 'null' })).toBe(403);
    expect(await upgrade(url, { Origin: 'http://127.0.0.1:5173' })).toBe(403);
    expect(await upgrade(url)).toBe(403);
    expect(await upgrade(url, { Origin: 'file://', Host: 'rebound.example:80' })).toBe(403);
    expect(spent.length).toBe(before);
  });

  it('opens the screen once with a real ticket from the app page; the ticket is then spent', async () => {
    const vm = await h.ok('AddVm', {
      name: 'screen1',
      cluster: { name: 'Default' },
      template: { name: 'tiny' },
    });
    await h.ok('RunVm', { id: vm.id });
    const ticket = await h.ok('SetVmTicket', { id: vm.id, expiry: 60 });
    const url = `${server.url}${encodeURIComponent(ticket.value)}`;
    const ws = new WebSocket(url, ['binary'], { headers: { Origin: 'file://' } });
    const echoed = await new Promise<string>((resolve, reject) => {
      ws.once('open', () => {
        ws.send(Buffer.from('RFB 003.008\n'));
      });
      ws.once('message', (data: Buffer) => {
        resolve(data.toString());
      });
      ws.once('unexpected-response', (_req, res) => {
        reject(new Error(`refused with ${String(res.statusCode)}`));
      });
      ws.once('error', reject);
    });
    ws.terminate();
    expect(ws.protocol).toBe('binary');
    expect(echoed).toBe('RFB 003.008\n');
    // One-time: the same ticket does not open a second connection.
    expect(await upgrade(url, { Origin: 'file://' })).toBe(401);
    await h.ok('StopVm', { id: vm.id });
  });

  it("knows the app's own Origin for file, dev-server and custom-scheme pages", () => {
    expect(appOriginOf(APP_URL)).toBe('file://');
    expect(appOriginOf('http://127.0.0.1:5173/index.html')).toBe('http://127.0.0.1:5173');
    expect(appOriginOf('app://bundle/index.html')).toBe('app://bundle');
    expect(appOriginOf('not a url')).toBeNull();
    expect(isAppOrigin('file://', APP_URL)).toBe(true);
    expect(isAppOrigin(undefined, APP_URL)).toBe(false);
    expect(isAppOrigin('http://127.0.0.1:5174', 'http://127.0.0.1:5173/')).toBe(false);
  });
});
