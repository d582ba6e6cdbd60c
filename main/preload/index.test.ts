// SPDX-License-Identifier: Apache-2.0
// What the preload exposes, without Electron: `electron` is replaced by a recorder of
// contextBridge.exposeInMainWorld, and the process arguments are set per case.
import { afterEach, describe, expect, it, vi } from 'vitest';

import { GRAPHICS_URL_ARG } from './channels';

const exposed = new Map<string, Record<string, unknown>>();

vi.mock('electron', () => ({
  contextBridge: {
    exposeInMainWorld: (key: string, api: Record<string, unknown>) => {
      exposed.set(key, api);
    },
  },
  ipcRenderer: { invoke: () => Promise.resolve(null), on: () => undefined },
}));

const argv = process.argv;

/** Loads a fresh copy of the preload with these extra process arguments. */
async function load(...extra: string[]): Promise<Record<string, unknown>> {
  exposed.clear();
  process.argv = [...argv, ...extra];
  vi.resetModules();
  await import('./index');
  const api = exposed.get('aio');
  if (!api) throw new Error('the preload exposed no window.aio');
  return api;
}

afterEach(() => {
  process.argv = argv;
});

describe('preload window.aio', () => {
  it("exposes the screen's loopback WebSocket URL passed by the main process", async () => {
    const url = 'ws://127.0.0.1:40123/ovirt-engine/services/graphics/';
    const api = await load(`${GRAPHICS_URL_ARG}${url}`);
    expect(api.graphicsUrl).toBe(url);
    // Still exactly the one object with data and two functions: no ipcRenderer, no Node.
    expect(Object.keys(api).sort()).toEqual(['graphicsUrl', 'invoke', 'subscribe']);
    expect([...exposed.keys()]).toEqual(['aio']);
  });

  it('exposes null without the argument or when it is anything but that loopback URL', async () => {
    expect((await load()).graphicsUrl).toBeNull();
    for (const bad of [
      'ws://example.org:40123/ovirt-engine/services/graphics/',
      'ws://127.0.0.1:40123/ovirt-engine/api/',
      'wss://127.0.0.1:40123/ovirt-engine/services/graphics/',
      'ws://127.0.0.1:*/ovirt-engine/services/graphics/',
      'javascript:alert(1)',
    ]) {
      expect((await load(`${GRAPHICS_URL_ARG}${bad}`)).graphicsUrl).toBeNull();
    }
  });
});
