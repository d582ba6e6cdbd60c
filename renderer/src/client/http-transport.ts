// SPDX-License-Identifier: Apache-2.0
/**
 * Browser transport: the contract over HTTP to the headless engine (main/api/rpc.ts).
 * Authentication is oVirt's SSO password grant (`POST /ovirt-engine/sso/oauth/token`), so the
 * web UI logs in exactly as ovirtsdk4 does; the bearer token is kept for this tab only.
 */
import { consoleHttpPaths } from '../../../main/contract/console';
import type { Envelope } from '../../../main/contract/errors';
import { SseParser } from './sse';
import type { ConsoleChannel, ConsoleHandlers, Transport } from './transport';
import { isEnvelope, transportFault } from './transport';

/** Paths of the HTTP side; one place to change if main/api/rpc.ts moves them. */
export const HTTP_PATHS = {
  token: '/ovirt-engine/sso/oauth/token',
  rpc: (op: string) => `/rpc/${encodeURIComponent(op)}`,
  events: '/rpc/events',
  consoleOpen: consoleHttpPaths.open,
  consoleInput: consoleHttpPaths.write,
  consoleResize: consoleHttpPaths.resize,
} as const;

const TOKEN_KEY = 'aio.token';

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** The SSO error body in either of oVirt's two shapes. */
interface SsoError {
  error?: string;
  error_description?: string;
  error_code?: string;
}

export class HttpTransport implements Transport {
  readonly kind = 'http' as const;
  private token: string | null;
  private readonly base: string;
  private readonly listeners = new Map<string, Set<(payload: unknown) => void>>();
  private stream: AbortController | null = null;
  /** Called when the engine says the token is no longer valid (show the login form again). */
  onUnauthenticated: (() => void) | null = null;

  constructor(base = '', storage: Pick<Storage, 'getItem'> | null = null) {
    this.base = base;
    this.token = storage?.getItem(TOKEN_KEY) ?? null;
  }

  /**
   * oVirt's `transfer_url` of an image transfer ticket on this engine: the imageio data plane
   * (`/images/<ticket>`), where the ticket is the credential, so no bearer token is sent.
   */
  imageTransferUrl(ticket: string): string {
    return `${this.base}/images/${encodeURIComponent(ticket)}`;
  }

  get authenticated(): boolean {
    return this.token !== null;
  }

  /**
   * Logs in with the password grant. Resolves on success; rejects with the server's words
   * ("Cannot authenticate user 'admin@internal': …") otherwise.
   */
  async login(
    username: string,
    password: string,
    storage?: Pick<Storage, 'setItem'>,
  ): Promise<void> {
    const body = new URLSearchParams({
      grant_type: 'password',
      scope: 'ovirt-app-api',
      username,
      password,
    });
    let response: Response;
    try {
      response = await fetch(this.base + HTTP_PATHS.token, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/x-www-form-urlencoded',
          Accept: 'application/json',
        },
        body,
      });
    } catch {
      throw new Error('The engine cannot be reached. Is it still running?');
    }
    const json = (await response.json().catch(() => ({}))) as { access_token?: string } & SsoError;
    if (!response.ok || typeof json.access_token !== 'string') {
      const text = json.error_description ?? (json.error_code ? json.error : undefined);
      throw new Error(text ?? `Login failed (HTTP ${response.status}).`);
    }
    this.token = json.access_token;
    storage?.setItem(TOKEN_KEY, this.token);
    this.restartStream();
  }

  logout(storage?: Pick<Storage, 'removeItem'>): void {
    this.token = null;
    storage?.removeItem(TOKEN_KEY);
    this.stream?.abort();
    this.stream = null;
  }

  private headers(json: boolean): Record<string, string> {
    const h: Record<string, string> = { Accept: 'application/json' };
    if (json) h['Content-Type'] = 'application/json';
    if (this.token) h.Authorization = `Bearer ${this.token}`;
    return h;
  }

  private async post(path: string, input: unknown): Promise<Envelope<unknown>> {
    let response: Response;
    try {
      response = await fetch(this.base + path, {
        method: 'POST',
        headers: this.headers(true),
        body: JSON.stringify(input ?? {}),
      });
    } catch {
      return transportFault(
        'ENGINE_UNREACHABLE',
        'The engine cannot be reached. Is it still running?',
      );
    }
    if (response.status === 401) {
      this.token = null;
      this.onUnauthenticated?.();
      return transportFault('NOT_AUTHENTICATED', 'Your session has ended. Please log in again.');
    }
    const json: unknown = await response.json().catch(() => null);
    if (isEnvelope(json)) return json;
    return transportFault(
      'BAD_ANSWER',
      `The engine answered HTTP ${response.status} without a result.`,
    );
  }

  invoke(op: string, input: unknown): Promise<Envelope<unknown>> {
    return this.post(HTTP_PATHS.rpc(op), input);
  }

  subscribe(event: string, listener: (payload: unknown) => void): () => void {
    let set = this.listeners.get(event);
    if (!set) {
      set = new Set();
      this.listeners.set(event, set);
    }
    set.add(listener);
    if (!this.stream && this.token) this.restartStream();
    return () => {
      set.delete(listener);
    };
  }

  private dispatch(event: string, data: string): void {
    let payload: unknown = data;
    try {
      payload = JSON.parse(data);
    } catch {
      // not JSON: hand over the raw text
    }
    for (const l of this.listeners.get(event) ?? []) l(payload);
    // Whatever the stream calls its messages, an engine event is recognised by its `type`.
    const type =
      typeof payload === 'object' && payload !== null ? (payload as { type?: unknown }).type : null;
    if (event !== 'engine' && (type === 'entity' || type === 'progress' || type === 'audit')) {
      for (const l of this.listeners.get('engine') ?? []) l(payload);
    }
  }

  /** One event stream per tab; reconnects after a pause when the engine drops it. */
  private restartStream(): void {
    this.stream?.abort();
    const controller = new AbortController();
    this.stream = controller;
    void this.readSse(this.base + HTTP_PATHS.events, controller.signal, (m) => {
      this.dispatch(m.event, m.data);
    }).finally(() => {
      if (controller.signal.aborted || this.stream !== controller) return;
      this.stream = null;
      setTimeout(() => {
        if (!this.stream && this.token) this.restartStream();
      }, 2000);
    });
  }

  private async readSse(
    url: string,
    signal: AbortSignal,
    onMessage: (m: { event: string; data: string }) => void,
  ): Promise<void> {
    try {
      const response = await fetch(url, { headers: this.headers(false), signal });
      if (!response.ok || !response.body) return;
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      const parser = new SseParser();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        for (const m of parser.push(value)) onMessage(m);
      }
    } catch {
      // aborted or dropped: the caller decides whether to reconnect
    }
  }

  /**
   * Console over HTTP (main/api/rpc.ts): `GET /rpc/console/<vmId>` is an SSE stream — `open`
   * with the session id, `data` with JSON strings of output, `exit`, or one `error` with an
   * envelope; keystrokes and sizes are POSTed to `/rpc/console/<sessionId>/{input,resize}`;
   * closing the stream closes the session.
   */
  openConsole(vmId: string, handlers: ConsoleHandlers): Promise<ConsoleChannel> {
    const controller = new AbortController();
    let queue = Promise.resolve();
    let sessionId: string | null = null;
    // Keystrokes are sent in order, one request at a time, so fast typing cannot reorder them.
    const send = (path: (id: string) => string, input: object): void => {
      queue = queue
        .then(() => (sessionId === null ? undefined : this.post(path(sessionId), input)))
        .then(() => undefined);
    };
    const channel: ConsoleChannel = {
      write: (data) => {
        send(HTTP_PATHS.consoleInput, { data });
      },
      resize: (cols, rows) => {
        send(HTTP_PATHS.consoleResize, { cols, rows });
      },
      close: () => {
        controller.abort();
      },
    };
    return new Promise<ConsoleChannel>((resolve, reject) => {
      let settled = false;
      const fail = (message: string): void => {
        if (!settled) {
          settled = true;
          reject(new Error(message));
        } else handlers.onExit(message);
      };
      void this.readSse(this.base + HTTP_PATHS.consoleOpen(vmId), controller.signal, (m) => {
        const payload = parseJson(m.data);
        if (m.event === 'open') {
          sessionId = (payload as { sessionId: string }).sessionId;
          settled = true;
          resolve(channel);
        } else if (m.event === 'data' && typeof payload === 'string') {
          handlers.onData(payload);
        } else if (m.event === 'error') {
          const text =
            isEnvelope(payload) && !payload.ok ? payload.error.messages.join(' ') : m.data;
          fail(text || 'The console could not be opened.');
        } else if (m.event === 'exit') {
          settled = true;
          handlers.onExit('The VM console closed.');
        }
      }).finally(() => {
        if (controller.signal.aborted) return;
        fail('The console connection ended.');
      });
    });
  }
}
