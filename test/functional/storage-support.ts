// SPDX-License-Identifier: Apache-2.0
/** Helpers of the storage functional tests: polling oVirt-style, and real images via qemu-img. */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { promisify } from 'node:util';

import { API, type Appliance, entity, type Reply } from './support';

const run = promisify(execFile);

/** Polls `path` until `done(entity)` holds, as oVirt's clients poll (every 0.25 s here). */
export async function waitFor(
  a: Appliance,
  path: string,
  root: string,
  done: (e: Record<string, unknown>) => boolean,
  timeoutMs = 60_000,
): Promise<Record<string, unknown>> {
  const until = Date.now() + timeoutMs;
  let last: Reply | null = null;
  while (Date.now() < until) {
    last = await a.request('GET', `${API}${path}`);
    if (last.status === 200 && done(entity(last.body, root))) return entity(last.body, root);
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timeout waiting on ${path}: last ${last?.status} ${last?.text.slice(0, 400)}`);
}

/** Polls until GET answers 404 (removals). */
export async function waitGone(a: Appliance, path: string, timeoutMs = 60_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if ((await a.request('GET', `${API}${path}`)).status === 404) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timeout waiting for ${path} to go away`);
}

/** sha256 of a file, streamed. */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) hash.update(chunk);
  return hash.digest('hex');
}

export async function qemuImg(...args: string[]): Promise<string> {
  const { stdout } = await run('qemu-img', args, { maxBuffer: 16 * 1024 * 1024 });
  return stdout;
}

/** `qemu-img info --output=json` of a file. */
export async function imageInfo(
  path: string,
): Promise<{ format: string; 'virtual-size': number; 'actual-size': number }> {
  return JSON.parse(await qemuImg('info', '--output=json', path)) as {
    format: string;
    'virtual-size': number;
    'actual-size': number;
  };
}

/** The guest-visible content of an image, as a sha256 (qemu-img convert to raw). */
export async function guestSha256(path: string, scratch: string): Promise<string> {
  await qemuImg('convert', '-O', 'raw', path, scratch);
  return sha256File(scratch);
}
