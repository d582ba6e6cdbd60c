// SPDX-License-Identifier: Apache-2.0
/**
 * "Every control has an accessible name", checked on the live page: Playwright's ARIA
 * snapshot lists each control as `- role "name"`; a control role printed without a name is
 * one a screen-reader user (and a role/name locator) cannot find.
 */
import type { Page } from 'playwright-core';

const CONTROLS = [
  'button',
  'checkbox',
  'combobox',
  'link',
  'radio',
  'slider',
  'spinbutton',
  'switch',
  'tab',
  'textbox',
];

/** Controls without an accessible name on the page (ARIA snapshot lines). */
export async function unnamedControls(page: Page): Promise<string[]> {
  const snapshot = await page.locator('body').ariaSnapshot();
  return snapshot
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => {
      const m = /^- (\w+)(.*)$/.exec(l);
      if (!m?.[1] || !CONTROLS.includes(m[1])) return false;
      return !(m[2] ?? '').trimStart().startsWith('"');
    });
}
