// SPDX-License-Identifier: Apache-2.0
/**
 * Issue 16, the UI side: a running tiny VM's Screen tab connects noVNC through the engine's
 * WebSocket (one-time ticket) and draws the VM's screen: the canvas has pixels that are not
 * all the background. Under the page's real CSP (connect-src 'self').
 * Screenshot: screen.png (docs/screenshots with AIO_UPDATE_SCREENSHOTS=1).
 */
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startWebUi, type WebUi, webUiProblem } from './fixtures';
import { step } from './support/step';

/**
 * Counts the canvas pixels brighter than the dark background. A string, run in the page:
 * this test is compiled without the DOM library.
 */
const COUNT_LIT_PIXELS = `(() => {
  const canvas = document.querySelector('[data-testid="vm-screen"] canvas');
  if (!canvas || canvas.width === 0) return 0;
  const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  let n = 0;
  for (let i = 0; i < data.length; i += 4) if (data[i] + data[i + 1] + data[i + 2] > 96) n++;
  return n;
})()`;

const problem = webUiProblem();
if (problem) console.log(`[e2e] Screen tab tests skipped: ${problem}`);

describe.skipIf(problem !== null)('web UI: the Screen tab (noVNC)', () => {
  let ui: WebUi;

  beforeAll(async () => {
    ui = await startWebUi();
  }, 240_000);
  afterAll(async () => {
    await ui?.close();
  }, 180_000);

  it(
    'shows the running VM screen in a canvas that is not blank',
    { timeout: 420_000 },
    async () => {
      const page = ui.browser.page;
      const vm = await ui.rest.post<{ id: string }>('/vms', {
        name: `${ui.prefix}scr`,
        memory: 192 * 1024 * 1024,
        cluster: { name: 'Default' },
        template: { name: 'tiny' },
      });
      await ui.rest.post(`/vms/${vm.id}/start`, {});
      // The tab asks for a ticket once; a VM still starting (slow under load) answers "not
      // running". Wait for `up` as a user would before opening the screen.
      const upBy = Date.now() + 180_000;
      while ((await ui.rest.get<{ status?: string }>(`/vms/${vm.id}`)).status !== 'up') {
        if (Date.now() > upBy) throw new Error(`VM ${vm.id} not up within 180 s`);
        await new Promise((r) => setTimeout(r, 500));
      }
      const errors: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });

      await step('open the Screen tab', async () => {
        await page.goto(`${ui.server.origin}/#/vms/${vm.id}/screen`);
        try {
          // The tab retries a connection that never came up (4 times, 2–8 s apart) by itself.
          await page
            .locator('[data-testid="vm-screen"][data-state="connected"]')
            .waitFor({ timeout: 120_000 });
        } catch (err) {
          // Say what the user would see: the tab's state and its message, and the engine log.
          const state = await page
            .locator('[data-testid="vm-screen"]')
            .getAttribute('data-state', { timeout: 1000 })
            .catch(() => 'no screen element');
          const message = await page
            .locator('[data-testid="vm-screen-message"]')
            .textContent({ timeout: 1000 })
            .catch(() => 'none');
          throw new Error(
            `${(err as Error).message}\nscreen state: ${state}; message: ${message}; ` +
              `console errors: ${errors.join(' | ')}\n--- server output ---\n${ui.server.log()}`,
          );
        }
      });

      await step('the canvas shows something', async () => {
        const deadline = Date.now() + 60_000;
        let lit = 0;
        while (Date.now() < deadline) {
          lit = await page.evaluate<number>(COUNT_LIT_PIXELS);
          if (lit > 50) break;
          await new Promise((r) => setTimeout(r, 1000));
        }
        expect(lit).toBeGreaterThan(50);
      });
      await page.screenshot({ path: join(ui.screenshots, 'screen.png') });
      // The CSP let the WebSocket through (a violation is logged as a console error).
      expect(errors.filter((e) => /Content Security Policy/i.test(e))).toEqual([]);
    },
  );
});
