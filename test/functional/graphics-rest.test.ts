// SPDX-License-Identifier: Apache-2.0
/**
 * Issue 16 through the real appliance (engine + API server + libvirt): a tiny VM's
 * `/graphicsconsoles` shows VNC on 127.0.0.1 with `?current=true`; `ticket` answers oVirt's
 * `<action><ticket><value/><expiry/></ticket>`; that value opens the server's WebSocket once
 * and the VNC server accepts it as the password; the `.vv` file carries host, port and a
 * working password; no ticket, a used one, a foreign Origin, a stopped VM or a bad value are
 * refused with clear answers.
 */
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';

import { ByteQueue, rfbLogin } from '../support/rfb-client';
import { hostTestSkipReason } from '../support/run-prefix';
import { consoleVm } from './console-vm';
import { entity, items } from './support';

const skip = hostTestSkipReason();
if (skip) console.log(`graphics-rest.test.ts skipped: ${skip}`);

const WS_PATH = '/ovirt-engine/services/graphics/';
const VNC_ID = '766e63';

function openWs(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ ws: WebSocket; q: ByteQueue } | { status: number }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, ['binary'], { headers });
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

describe.skipIf(Boolean(skip))('graphics consoles over REST and the WebSocket', () => {
  const vm = consoleVm('scr');
  const { req } = vm;

  it('refuses a ticket while the VM is down, and lists the console without a port', async () => {
    const list = await req('GET', `/vms/${vm.vmId}/graphicsconsoles?current=true`);
    expect(list.status).toBe(200);
    const [c] = items(list.body, 'graphics_consoles', 'graphics_console');
    expect(c?.id).toBe(VNC_ID);
    expect(c?.protocol).toBe('vnc');
    expect(c).not.toHaveProperty('port');
    const t = await vm.ticket(VNC_ID);
    expect(t.status).toBe(409);
    expect(t.text).toMatch(/not running/i);
  });

  it('shows VNC on 127.0.0.1, issues tickets that work once, and a .vv file', async () => {
    const start = await req('POST', `/vms/${vm.vmId}/start`, '<action/>');
    expect(start.status, start.text).toBe(200);

    const list = await req('GET', `/vms/${vm.vmId}/graphicsconsoles?current=true`);
    const [c] = items(list.body, 'graphics_consoles', 'graphics_console');
    expect(c?.address).toBe('127.0.0.1');
    expect(Number(c?.port)).toBeGreaterThanOrEqual(5900);
    // Without current=true oVirt leaves address and port out.
    const plain = await req('GET', `/vms/${vm.vmId}/graphicsconsoles/${VNC_ID}`);
    expect(plain.status).toBe(200);
    expect(entity(plain.body, 'graphics_console')).not.toHaveProperty('port');
    expect((await req('GET', `/vms/${vm.vmId}/graphicsconsoles/nope`)).status).toBe(404);

    const bad = await vm.ticket(
      VNC_ID,
      '<action><ticket><value>far-too-long-for-vnc</value></ticket></action>',
    );
    expect(bad.status).toBe(400);

    const t = await vm.ticket(VNC_ID, '<action><ticket><expiry>60</expiry></ticket></action>');
    expect(t.status, t.text).toBe(200);
    const action = entity(t.body, 'action');
    expect(action.status).toBe('complete');
    const ticket = action.ticket as { value: string; expiry: string };
    expect(ticket.expiry).toBe('60');
    expect(ticket.value).toMatch(/^\S{8}$/);

    const ws = `${vm.a.origin.replace(/^http/, 'ws')}${WS_PATH}`;
    // A page of another site may not use a ticket it somehow learned.
    expect(await openWs(`${ws}${ticket.value}`, { Origin: 'http://evil.example' })).toEqual({
      status: 403,
    });
    const opened = await openWs(`${ws}${ticket.value}`);
    if (!('ws' in opened)) throw new Error(`refused with ${opened.status}`);
    const rfb = await rfbLogin(
      opened.q,
      (d) => {
        opened.ws.send(d);
      },
      ticket.value,
    );
    expect(rfb.greeting).toMatch(/^RFB 003\.00\d\n$/);
    expect(rfb.auth).toMatchObject({ ok: true });
    opened.ws.close();
    expect(await openWs(`${ws}${ticket.value}`)).toEqual({ status: 401 });
    expect(await openWs(ws)).toEqual({ status: 401 });

    const vv = await vm.vvFile(VNC_ID);
    expect(vv.status, vv.text).toBe(200);
    const text = String(entity(vv.body, 'action').remote_viewer_connection_file);
    expect(text).toContain('[virt-viewer]');
    expect(text).toContain('type=vnc');
    expect(text).toContain('host=127.0.0.1');
    expect(text).toContain(`port=${String(c?.port)}`);
    const password = /password=(\S+)/.exec(text)?.[1] ?? '';
    // The .vv password is a fresh ticket: it opens the WebSocket and the VNC server.
    const again = await openWs(`${ws}${password}`);
    if (!('ws' in again)) throw new Error(`refused with ${again.status}`);
    const rfb2 = await rfbLogin(
      again.q,
      (d) => {
        again.ws.send(d);
      },
      password,
    );
    expect(rfb2.auth).toMatchObject({ ok: true });
    again.ws.close();
  });
});
