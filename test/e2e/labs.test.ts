// SPDX-License-Identifier: Apache-2.0
/**
 * Issue 15, the Labs page in a real browser against a real headless engine: a lab applied with
 * `aio lab apply --no-start` (two tiny VMs, B depends on A) is listed with its network and VMs
 * (what the apply made, with the start order it stored); "Start all" with parallelism 1 shows the start per VM — one waiting
 * while the other boots, then both answering — and the job's progress; "Why can't A reach B?" shows the
 * verdict and the ping typed on A's console as evidence; Destroy removes the lab (checked
 * through REST). Two tiny guests boot.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ipLink } from '../support/host-inspect';
import { startWebUi, type WebUi, webUiProblem } from './fixtures';
import { ROOT } from './support/headless-server';
import { list } from './support/rest';
import { step } from './support/step';

/** What the page script uses of the browser's globals (this file compiles without the DOM lib). */
interface PageDocument {
  readonly document: { querySelector(selector: string): { textContent: string | null } | null };
}

const problem = webUiProblem();
if (problem) console.log(`[e2e] Labs page test skipped: ${problem}`);

describe.skipIf(problem !== null)('web UI: Labs page', () => {
  let ui: WebUi;
  let dir: string;
  const labName = (): string => `lab-${ui.prefix}`;
  const net = (): string => `${ui.prefix}lab`;
  const vmA = (): string => `${ui.prefix}-a`;
  const vmB = (): string => `${ui.prefix}-b`;
  /** The page's ids: domId('lab', name, field). */
  const id = (field: string): string => `#lab-${labName()}-${field}`;

  const aio = (...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> =>
    new Promise((resolve) => {
      execFile(
        process.execPath,
        [join(ROOT, 'cli', 'aio.mjs'), ...args],
        {
          cwd: ROOT,
          env: { ...process.env, AIO_URL: ui.server.origin, AIO_PASSWORD: ui.server.password },
          timeout: 300_000,
        },
        (err, stdout, stderr) => {
          resolve({
            code: err === null ? 0 : typeof err.code === 'number' ? err.code : -1,
            stdout,
            stderr,
          });
        },
      );
    });

  beforeAll(async () => {
    ui = await startWebUi();
    dir = mkdtempSync(join(tmpdir(), 'aio-e2e-labs-'));
  }, 400_000);

  afterAll(async () => {
    if (ui !== undefined) {
      await aio('lab', 'destroy', labName()).catch(() => undefined);
      await ui.close();
    }
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  }, 300_000);

  it(
    'lists an applied lab, starts it with per-VM progress, diagnoses A → B, destroys it',
    { timeout: 900_000 },
    async () => {
      const file = join(dir, 'lab.yml');
      writeFileSync(
        file,
        `lab: ${labName()}
networks:
  ${net()}:
    mtu: 1500
vms:
  ${vmA()}:
    template: tiny
    memory: 192MiB
    nics: [{ network: ${net()}, address: 10.97.0.1/24 }]
  ${vmB()}:
    template: tiny
    memory: 192MiB
    nics: [{ network: ${net()}, address: 10.97.0.2/24 }]
    depends_on: [${vmA()}]
`,
      );
      await step('apply the lab file with the CLI (no start)', async () => {
        const r = await aio('lab', 'apply', '--no-start', '-f', file);
        expect(r.code, r.stderr).toBe(0);
        expect(r.stdout).toContain('Plan: 3 to create');
      });
      const page = ui.browser.page;
      await step('open the Labs page and see the lab as applied', async () => {
        await page
          .getByRole('navigation', { name: 'Main navigation' })
          .getByRole('link', { name: 'Labs', exact: true })
          .click();
        await page.getByRole('heading', { level: 1, name: 'Labs' }).waitFor();
        const card = page.locator(id('card'));
        await card.waitFor();
        expect(await card.innerText()).toContain('1 network(s), 2 VM(s)');
        await page.locator(`#lab-${labName()}-net-${net()}-row`).waitFor();
        await page.locator(`#lab-${labName()}-vm-${vmA()}-row`).waitFor();
        await page.locator(`#lab-${labName()}-vm-${vmB()}-row`).waitFor();
        // The file's start order was stored by the apply: the page shows it (Start all uses it).
        expect(await page.locator(`#lab-${labName()}-vm-${vmB()}-order`).innerText()).toBe(
          `group 0 · after ${vmA()}`,
        );
        expect(await ipLink(net())).toBeDefined();
      });

      const seen = new Set<string>();
      await step(
        'Start all with parallelism 1: per-VM progress, one waits while the other boots',
        async () => {
          await page.locator(id('parallelism')).fill('1');
          await page.locator(id('start')).click();
          // Both cells in one script run: React renders between tasks, never inside one, so
          // the pair is one moment of the page (two reads could straddle an update).
          const cells = [
            `#lab-${labName()}-vm-${vmA()}-start`,
            `#lab-${labName()}-vm-${vmB()}-start`,
          ];
          for (let i = 0; i < 600; i++) {
            const [a = '', b = ''] = await page.evaluate(
              (ids) =>
                ids.map(
                  (x) =>
                    (globalThis as unknown as PageDocument).document.querySelector(x)
                      ?.textContent ?? '',
                ),
              cells,
            );
            const state = (row: string): string =>
              /(Waiting|Starting|Booting|Answering|Failed|Not started)/.exec(row)?.[1] ?? '-';
            seen.add(`${state(a)}/${state(b)}`);
            if (state(a) === 'Answering' && state(b) === 'Answering') break;
            await page.waitForTimeout(500);
          }
          expect([...seen]).toContain('Answering/Answering');
          // Parallelism 1: B was never booting while A had not answered.
          expect(
            [...seen].filter((s) => /^(Starting|Booting)\/(Starting|Booting)/.test(s)),
          ).toEqual([]);
          expect([...seen].some((s) => /^(Starting|Booting)\/Waiting$/.test(s))).toBe(true);
          const progress = page.locator(id('start-progress'));
          await progress.getByText('2 of 2 answering, finished').waitFor({ timeout: 30_000 });
        },
      );

      await step("Why can't A reach B? — verdict and the ping as evidence", async () => {
        await page.locator(id('doctor-a')).selectOption({ label: vmA() });
        await page.locator(id('doctor-b')).selectOption({ label: vmB() });
        await page.locator(id('doctor-run')).click();
        await page.locator(id('doctor-result')).waitFor({ timeout: 120_000 });
        expect(await page.locator(id('doctor-verdict')).innerText()).toBe(
          `${vmA()} reaches ${vmB()}`,
        );
        expect(await page.locator(id('doctor-evidence')).innerText()).toMatch(
          /bytes from 10\.97\.0\.2/,
        );
        await page.screenshot({ path: join(ui.screenshots, 'labs.png'), fullPage: true });
      });

      await step('Destroy: the lab, its VMs and its network are gone', async () => {
        page.once('dialog', (d) => void d.accept());
        await page.locator(id('destroy')).click();
        await page.locator(id('card')).waitFor({ state: 'detached', timeout: 180_000 });
        const labs = list<{ name: string }>(await ui.rest.get('/labs'), 'lab');
        expect(labs.map((l) => l.name)).not.toContain(labName());
        const vms = list<{ name: string }>(await ui.rest.get('/vms'), 'vm');
        expect(vms.filter((v) => v.name.startsWith(ui.prefix))).toEqual([]);
        expect(await ipLink(net())).toBeUndefined();
      });
    },
  );
});
