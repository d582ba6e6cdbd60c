// SPDX-License-Identifier: Apache-2.0
/**
 * Remembered window state, as pure functions so they are tested without Electron: what is
 * saved, and how a saved state is fitted back onto the displays that exist now (a window
 * saved on a monitor that is gone must not open off-screen).
 */

export interface Rect {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export interface WindowState {
  readonly bounds: Rect;
  readonly maximized: boolean;
}

export const DEFAULT_STATE: WindowState = {
  bounds: { x: 0, y: 0, width: 1280, height: 840 },
  maximized: false,
};

const MIN_WIDTH = 800;
const MIN_HEIGHT = 560;

/** Parses a saved state; anything malformed gives `null` (then the default is used). */
export function parseWindowState(text: string): WindowState | null {
  try {
    const v = JSON.parse(text) as Partial<WindowState> | null;
    const b = v?.bounds;
    if (!b || typeof v.maximized !== 'boolean') return null;
    const nums = [b.x, b.y, b.width, b.height];
    if (!nums.every((n) => typeof n === 'number' && Number.isFinite(n))) return null;
    return { bounds: { x: b.x, y: b.y, width: b.width, height: b.height }, maximized: v.maximized };
  } catch {
    return null;
  }
}

function overlap(a: Rect, b: Rect): number {
  const w = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  return w > 0 && h > 0 ? w * h : 0;
}

/**
 * Fits a saved state onto the current displays' work areas: keeps it where it was when at
 * least a quarter of it is visible, otherwise centres it on the first display; never larger
 * than the display and never smaller than the minimum size.
 */
export function fitToDisplays(state: WindowState | null, workAreas: readonly Rect[]): WindowState {
  const saved = state ?? DEFAULT_STATE;
  const primary = workAreas[0] ?? DEFAULT_STATE.bounds;
  const best = [...workAreas].sort(
    (a, b) => overlap(saved.bounds, b) - overlap(saved.bounds, a),
  )[0];
  const area = best ?? primary;
  const width = Math.max(MIN_WIDTH, Math.min(saved.bounds.width, area.width));
  const height = Math.max(MIN_HEIGHT, Math.min(saved.bounds.height, area.height));
  const visible = overlap({ ...saved.bounds, width, height }, area);
  if (state && visible >= (width * height) / 4) {
    return {
      bounds: { x: saved.bounds.x, y: saved.bounds.y, width, height },
      maximized: saved.maximized,
    };
  }
  return {
    bounds: {
      x: Math.round(primary.x + (primary.width - width) / 2),
      y: Math.round(primary.y + (primary.height - height) / 2),
      width,
      height,
    },
    maximized: saved.maximized,
  };
}
