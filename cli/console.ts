// SPDX-License-Identifier: Apache-2.0
/**
 * `aio vm console NAME`: the VM's serial console through the engine's own console stream
 * (`GET /rpc/console/<vmId>`, server-sent events; keystrokes `POST /rpc/console/<session>/input`),
 * the same path the web UI's Console tab uses — so it works against any engine `--url` names,
 * never by reaching libvirt directly. Interactive on a terminal (raw mode, `Ctrl-]` leaves, as
 * `virsh console`); for scripts, `--send` types a line and `--until` waits for a pattern.
 */
import { type EngineClient, text } from './engine/client';
import { sseMessages } from './engine/sse';

export interface ConsoleOptions {
  /** Typed (with Enter) once the console is open. */
  readonly send?: string;
  /** Leave (exit 0) once the output matches this regular expression. */
  readonly until?: string;
  /** Leave after this many seconds (exit 1 when `until` was given and not seen). */
  readonly timeoutSeconds?: number;
}

const CTRL_RIGHT_BRACKET = '\u001d';

/** Thrown when the console cannot be opened or `--until` was not seen in time. */
export class ConsoleFailed extends Error {}

export async function vmConsole(
  client: EngineClient,
  vmName: string,
  options: ConsoleOptions,
  out: NodeJS.WritableStream,
  input: NodeJS.ReadStream,
): Promise<void> {
  const hits = await client.list(`/vms?search=${encodeURIComponent(`name=${vmName}`)}`, 'vm');
  const vm = hits.find((v) => text(v, 'name') === vmName);
  const vmId = vm === undefined ? undefined : text(vm, 'id');
  if (vmId === undefined) throw new ConsoleFailed(`no VM named ${vmName}`);
  const controller = new AbortController();
  const res = await client.raw('GET', `/rpc/console/${vmId}`, { signal: controller.signal });
  if (!res.ok || res.body === null)
    throw new ConsoleFailed(`console of ${vmName}: HTTP ${res.status}`);
  let session: string | null = null;
  /** Called on console output (used while waiting for the shell to answer an Enter). */
  let onOutput: (() => void) | null = null;
  let queue: Promise<unknown> = Promise.resolve();
  const type = (data: string): void => {
    const id = session;
    if (id === null) return;
    queue = queue
      .then(() =>
        client.raw('POST', `/rpc/console/${id}/input`, {
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({ data }),
        }),
      )
      .catch(() => undefined);
  };
  const pattern = options.until === undefined ? null : new RegExp(options.until);
  let seen = '';
  let matched = false;
  const interactive = input.isTTY && pattern === null && options.send === undefined;
  const onKey = (chunk: Buffer): void => {
    const s = chunk.toString('utf8');
    if (s.includes(CTRL_RIGHT_BRACKET)) controller.abort();
    else type(s);
  };
  const timer =
    options.timeoutSeconds === undefined
      ? undefined
      : setTimeout(() => {
          controller.abort();
        }, options.timeoutSeconds * 1000);
  let error: string | null = null;
  try {
    for await (const { event, data: payload } of sseMessages(res.body)) {
      if (event === 'open') {
        session = (JSON.parse(payload) as { sessionId: string }).sessionId;
        if (interactive) {
          process.stderr.write(`Connected to ${vmName} (escape: Ctrl-])\n`);
          input.setRawMode(true);
          input.on('data', onKey);
        }
        if (options.send !== undefined) {
          // A serial console shows nothing until the shell prints a prompt: press Enter
          // until it answers, then type the line once (as test/support/guest-console.ts).
          const line = options.send;
          let answered = false;
          onOutput = () => {
            answered = true;
          };
          const knock = (): void => {
            if (controller.signal.aborted) return;
            if (answered) {
              onOutput = null;
              type(`${line}\r`);
              return;
            }
            type('\r');
            setTimeout(knock, 2000);
          };
          knock();
        }
      } else if (event === 'data') {
        const t = JSON.parse(payload) as string;
        out.write(t);
        onOutput?.();
        if (pattern !== null) {
          seen = (seen + t).slice(-65536);
          if (pattern.test(seen)) {
            matched = true;
            controller.abort();
          }
        }
      } else if (event === 'exit') {
        controller.abort();
      } else if (event === 'error') {
        error = payload;
        controller.abort();
      }
    }
  } catch (err) {
    if (!controller.signal.aborted) throw err;
  } finally {
    if (timer !== undefined) clearTimeout(timer);
    if (interactive) {
      input.setRawMode(false);
      input.off('data', onKey);
      input.pause();
    }
    controller.abort();
  }
  if (error !== null) throw new ConsoleFailed(`console of ${vmName}: ${error}`);
  if (pattern !== null && !matched)
    throw new ConsoleFailed(`console of ${vmName}: "${options.until ?? ''}" not seen`);
}
