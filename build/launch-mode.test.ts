// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from 'vitest';

import {
  chooseLaunchMode,
  defaultDataDir,
  defaultPort,
  displayOf,
  listeningUrl,
} from './launch-mode';

describe('chooseLaunchMode', () => {
  const electronPath = '/x/electron';

  it('runs Electron with its binary and a display', () => {
    expect(chooseLaunchMode({ electronPath, env: { DISPLAY: ':0' } })).toMatchObject({
      mode: 'electron',
      electronPath,
    });
    expect(chooseLaunchMode({ electronPath, env: { WAYLAND_DISPLAY: 'wayland-0' } }).mode).toBe(
      'electron',
    );
  });

  it('goes headless without a display, saying so', () => {
    expect(chooseLaunchMode({ electronPath, env: {} })).toEqual({
      mode: 'headless',
      reason: 'no display (neither DISPLAY nor WAYLAND_DISPLAY is set)',
    });
  });

  it('goes headless without the Electron binary, with the download problem', () => {
    const mode = chooseLaunchMode({
      electronPath: null,
      electronProblem: 'download failed',
      env: { DISPLAY: ':0' },
    });
    expect(mode.mode).toBe('headless');
    expect(mode.reason).toMatch(/Electron binary is not installed: download failed/);
  });

  it('honours AIO_HEADLESS=1', () => {
    expect(chooseLaunchMode({ electronPath, env: { DISPLAY: ':0', AIO_HEADLESS: '1' } }).mode).toBe(
      'headless',
    );
  });
});

describe('defaults', () => {
  it('finds the data directory', () => {
    expect(defaultDataDir({ AIO_DATA_DIR: '/d', XDG_DATA_HOME: '/x', HOME: '/h' })).toBe('/d');
    expect(defaultDataDir({ XDG_DATA_HOME: '/x', HOME: '/h' })).toBe('/x/aio-lab');
    expect(defaultDataDir({ HOME: '/h' })).toBe('/h/.local/share/aio-lab');
  });

  it('takes the port from AIO_PORT, 8443 by default, and rejects nonsense', () => {
    expect(defaultPort({})).toBe(8443);
    expect(defaultPort({ AIO_PORT: '9000' })).toBe(9000);
    expect(() => defaultPort({ AIO_PORT: '70000' })).toThrow(/AIO_PORT/);
    expect(() => defaultPort({ AIO_PORT: 'x' })).toThrow(/AIO_PORT/);
  });

  it('names the display', () => {
    expect(displayOf({})).toBeNull();
    expect(displayOf({ DISPLAY: ':1' })).toBe('X11 :1');
  });
});

describe('listeningUrl', () => {
  it('reads the URL of the headless engine', () => {
    expect(listeningUrl('listening on http://127.0.0.1:8443')).toBe('http://127.0.0.1:8443');
    expect(listeningUrl('admin@internal password: x')).toBeNull();
  });
});
