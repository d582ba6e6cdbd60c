// SPDX-License-Identifier: Apache-2.0
/**
 * Fixtures for the web-UI tests: a run prefix (bridges, domains and VM names of this run),
 * a real headless engine on its own data dir, headless Chromium logged in, the REST oracle,
 * and a cleanup that removes what the run created — through the API first, then out of band.
 * Each run gets its own data dir (and SQLite file), as podman-desktop's PODMAN_DESKTOP_HOME_DIR.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

import { claimRunPrefix, releaseRunPrefix, runDir, sweepStale } from '../support/run-prefix';
import { LoginPage } from './pages/login.page';
import type { ShellPage } from './pages/shell.page';
import { browserProblem, type BrowserSession, launchBrowser } from './support/browser';
import {
  ensureRendererBuilt,
  type HeadlessServer,
  ROOT,
  startHeadlessServer,
} from './support/headless-server';
import { list, type RestClient, restClient } from './support/rest';

/** Family of this area's run prefixes (see test/support/run-prefix.ts). */
export const UI_FAMILY = 'ue';

/** Why the web-UI tests cannot run on this machine, or null. */
export function webUiProblem(): string | null {
  const browser = browserProblem();
  if (browser) return browser;
  try {
    execFileSync('virsh', ['-c', 'qemu:///system', 'version'], {
      stdio: 'ignore',
      timeout: 15_000,
    });
  } catch {
    return 'libvirtd is not answering on qemu:///system (run `npm run setup`)';
  }
  if (process.getuid?.() !== 0) return 'creating bridges needs root';
  return null;
}

export interface WebUi {
  readonly prefix: string;
  readonly server: HeadlessServer;
  readonly browser: BrowserSession;
  readonly rest: RestClient;
  readonly shell: ShellPage;
  /** Directory for screenshots (docs/screenshots with AIO_UPDATE_SCREENSHOTS=1). */
  readonly screenshots: string;
  close(): Promise<void>;
}

interface Named {
  id: string;
  name: string;
  status?: string;
}

/** Removes this run's VMs, templates, disks and networks through the REST API (stop → remove). */
async function removeThroughApi(rest: RestClient, prefix: string): Promise<void> {
  const vms = list<Named>(await rest.get('/vms'), 'vm').filter((v) => v.name.startsWith(prefix));
  for (const vm of vms) {
    if (vm.status !== 'down') await rest.post(`/vms/${vm.id}/stop`, {}).catch(() => undefined);
  }
  for (const vm of vms) {
    for (let i = 0; i < 30; i++) {
      if ((await rest.delete(`/vms/${vm.id}`)) === 200) break;
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
  // Templates, then the disks left floating (uploads, detached disks) of this run; an engine
  // without storage REST (404) has none, and must not stop the network cleanup below.
  const named = async (path: string, key: string): Promise<Named[]> =>
    list<Named>(await rest.get(path).catch(() => ({})), key).filter((x) =>
      x.name.startsWith(prefix),
    );
  for (const t of await named('/templates', 'template')) await rest.delete(`/templates/${t.id}`);
  for (const d of await named('/disks', 'disk')) await rest.delete(`/disks/${d.id}`);
  const nets = list<Named>(await rest.get('/networks'), 'network').filter((n) =>
    n.name.startsWith(prefix),
  );
  for (const n of nets) await rest.delete(`/networks/${n.id}`);
}

/** Starts everything and logs in. */
export async function startWebUi(): Promise<WebUi> {
  const prefix = claimRunPrefix(UI_FAMILY);
  await sweepStale(UI_FAMILY);
  const dataDir = join(runDir(prefix), 'data');
  mkdirSync(dataDir, { recursive: true });
  const password = `pw-${prefix}-${Date.now()}`;
  await ensureRendererBuilt();
  const server = await startHeadlessServer(dataDir, password);
  let browser: BrowserSession | null = null;
  try {
    browser = await launchBrowser();
    const shell = await (
      await new LoginPage(browser.page).open(server.origin)
    ).login('admin@internal', password);
    const rest = restClient(server.origin, password);
    // Tracked screenshots change only when asked (AIO_UPDATE_SCREENSHOTS=1); a plain test run
    // writes them under test-results/ so `npm test` leaves the work tree clean.
    const screenshots =
      process.env.AIO_UPDATE_SCREENSHOTS === '1'
        ? join(ROOT, 'docs', 'screenshots')
        : join(ROOT, 'test-results', 'screenshots');
    mkdirSync(screenshots, { recursive: true });
    const b = browser;
    return {
      prefix,
      server,
      browser: b,
      rest,
      shell,
      screenshots,
      close: async () => {
        await removeThroughApi(rest, prefix).catch((e: unknown) => {
          process.stdout.write(`    [cleanup] REST cleanup failed: ${String(e)}\n`);
        });
        await b.close();
        await server.stop();
        // Whatever the API could not remove (a crash mid-test) goes out of band.
        releaseRunPrefix(prefix);
        await sweepStale(UI_FAMILY);
      },
    };
  } catch (err) {
    await browser?.close();
    await server.stop();
    releaseRunPrefix(prefix);
    await sweepStale(UI_FAMILY);
    throw new Error(`${(err as Error).message}\n--- server output ---\n${server.log()}`);
  }
}
