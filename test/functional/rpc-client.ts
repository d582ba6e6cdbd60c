// SPDX-License-Identifier: Apache-2.0
/**
 * A test client for main/api/rpc.ts: `invoke` over `POST /rpc/<op>`, the SSE event stream,
 * and a {@link ConsoleSession} over the SSE console + `POST …/input`, so the guest-console
 * driver of test/support works through the HTTP transport the web UI uses.
 */
import { sseMessages } from '../../cli/engine/sse';
import type { ConsoleSession } from '../../libvirt/host-agent';

/** The stream at `url` (the CLI's SSE reader): calls `onEvent` per message until aborted. */
export async function readSse(
  url: string,
  token: string,
  onEvent: (event: string, data: string) => void,
  signal: AbortSignal,
): Promise<void> {
  const res = await fetch(url, { headers: { Authorization: `Bearer ${token}` }, signal });
  if (res.body === null) throw new Error(`no body from ${url}: ${res.status}`);
  try {
    for await (const m of sseMessages(res.body)) onEvent(m.event, m.data);
  } catch (err) {
    if (!signal.aborted) throw err;
  }
}

/** Opens a VM's serial console through `/rpc/console/<vmId>`. */
export async function openRpcConsole(
  origin: string,
  token: string,
  vmId: string,
): Promise<ConsoleSession> {
  const controller = new AbortController();
  const dataListeners = new Set<(d: string) => void>();
  const exitListeners = new Set<(c: number) => void>();
  let sessionId: string | null = null;
  let pending = '';
  const opened = new Promise<void>((resolve, reject) => {
    readSse(
      `${origin}/rpc/console/${vmId}`,
      token,
      (event, data) => {
        if (event === 'open') {
          sessionId = (JSON.parse(data) as { sessionId: string }).sessionId;
          resolve();
        } else if (event === 'data') {
          const text = JSON.parse(data) as string;
          if (dataListeners.size === 0) pending += text;
          for (const l of dataListeners) l(text);
        } else if (event === 'exit') {
          for (const l of exitListeners) l((JSON.parse(data) as { exitCode: number }).exitCode);
        } else if (event === 'error') {
          reject(new Error(`console error: ${data}`));
        }
      },
      controller.signal,
    ).catch(reject);
  });
  await opened;
  // Keystrokes go one request at a time, in order (as the web UI sends them).
  let queue: Promise<unknown> = Promise.resolve();
  const post = (verb: string, body: unknown): void => {
    queue = queue
      .then(() =>
        fetch(`${origin}/rpc/console/${String(sessionId)}/${verb}`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
          body: JSON.stringify(body),
        }),
      )
      .then((r) => r.text())
      .catch(() => undefined);
  };
  return {
    write: (data) => {
      post('input', { data });
    },
    onData: (listener) => {
      dataListeners.add(listener);
      if (pending !== '') {
        listener(pending);
        pending = '';
      }
      return () => dataListeners.delete(listener);
    },
    onExit: (listener) => {
      exitListeners.add(listener);
      return () => exitListeners.delete(listener);
    },
    resize: (cols, rows) => {
      post('resize', { cols, rows });
    },
    close: () => {
      controller.abort();
    },
  };
}
