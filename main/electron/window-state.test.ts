// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from 'vitest';

import { fitToDisplays, parseWindowState } from './window-state';

const screen = { x: 0, y: 0, width: 1920, height: 1080 };

describe('window state', () => {
  it('keeps a saved window that is on a display', () => {
    const s = { bounds: { x: 100, y: 50, width: 1000, height: 700 }, maximized: true };
    expect(fitToDisplays(s, [screen])).toEqual(s);
  });

  it('recentres a window saved on a display that is gone', () => {
    const s = { bounds: { x: 4000, y: 0, width: 1000, height: 700 }, maximized: false };
    expect(fitToDisplays(s, [screen]).bounds).toEqual({ x: 460, y: 190, width: 1000, height: 700 });
  });

  it('shrinks to the display and rejects malformed files', () => {
    const s = { bounds: { x: 0, y: 0, width: 5000, height: 5000 }, maximized: false };
    expect(fitToDisplays(s, [screen]).bounds).toMatchObject({ width: 1920, height: 1080 });
    expect(parseWindowState('{"bounds":{"x":"a"},"maximized":false}')).toBeNull();
    expect(parseWindowState('not json')).toBeNull();
    expect(parseWindowState(JSON.stringify(s))).toEqual(s);
  });
});
