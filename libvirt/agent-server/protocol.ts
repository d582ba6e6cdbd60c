// SPDX-License-Identifier: Apache-2.0
/**
 * The wire format between the engine and a remote host agent (our VDSM's JSON-RPC, reduced):
 * one JSON object per line over a mutually authenticated TLS connection.
 *
 *   engine → agent  {"id":1,"method":"domainList","params":[]}
 *   agent → engine  {"id":1,"result":[…]}  or  {"id":1,"error":{"code":"…","message":"…"}}
 *   agent → engine  {"event":"domain","data":{…}}  /  {"event":"network","data":[…]}
 *
 * Only the methods named in {@link REMOTE_METHODS} are served: the host agent interface minus
 * what cannot cross a socket yet (progress callbacks) and minus `close`; serial consoles have
 * their own calls ({@link CONSOLE_METHODS}) and events.
 */
import { HostError, HostErrorCode } from '../../main/contract/errors';

/** Host agent methods served over the wire (all return promises). */
export const REMOTE_METHODS = [
  'getCapabilities',
  'setupNetworks',
  'reportNetworks',
  'commitNetworkConfig',
  'deviceCounters',
  'domainStart',
  'domainShutdown',
  'domainPowerOff',
  'domainUndefine',
  'domainList',
  'domainChangeMedia',
  'isIsoImage',
  'domainGraphics',
  'domainGraphicsTicket',
  'spiceSupported',
  'domainSpice',
  'domainSpiceTicket',
  'prepareStorageDomain',
  'storageSpace',
  'removeStalePartials',
  'createVolume',
  'copyVolume',
  'volumeInfo',
  'checkVolume',
  'resizeVolume',
  'rebaseVolume',
  'removeVolume',
  'domainSnapshotDisks',
  'bundledImages',
  'setupSegmentServices',
  'reportSegmentServices',
  'segmentLeases',
  'restoreSegmentServices',
  'cloudInitSeed',
  'removeCloudInitSeed',
  'hostDevice',
  'isolationTest',
  // Issue 17, OVN: chassis settings (every host) and the central's northbound verbs.
  'setupOvnChassis',
  'reportOvnChassis',
  'setupOvnCentral',
  'setupOvnSwitch',
  'reportOvnSwitch',
  'removeOvnSwitch',
] as const;

export type RemoteMethod = (typeof REMOTE_METHODS)[number];

/** Answered by the agent itself (not the host layer): the engine's liveness question. */
export const PING = 'ping';

export const isRemoteMethod = (m: unknown): m is RemoteMethod =>
  typeof m === 'string' && (REMOTE_METHODS as readonly string[]).includes(m);

export interface RequestFrame {
  readonly id: number;
  readonly method: string;
  readonly params: readonly unknown[];
}

export interface WireError {
  readonly code: string;
  readonly message: string;
  readonly detail?: string;
}

export type ResponseFrame =
  | { readonly id: number; readonly result: unknown }
  | { readonly id: number; readonly error: WireError };

export type EventFrame =
  | { readonly event: 'domain'; readonly data: unknown }
  | { readonly event: 'network'; readonly data: readonly string[] }
  | { readonly event: 'console'; readonly data: ConsoleData }
  | { readonly event: 'console-exit'; readonly data: ConsoleExit };

/**
 * Issue 17: a VM's serial console over the agent connection. The engine opens a session
 * (`consoleOpen [uuid]` → `{session}`), then writes, resizes and closes it by number; the
 * agent pushes what the guest prints (`console` events) and the end (`console-exit`). A
 * session belongs to its connection: it is closed when the connection goes.
 */
export const CONSOLE_METHODS = [
  'consoleOpen',
  'consoleWrite',
  'consoleResize',
  'consoleClose',
] as const;
export type ConsoleMethod = (typeof CONSOLE_METHODS)[number];
export const isConsoleMethod = (m: unknown): m is ConsoleMethod =>
  typeof m === 'string' && (CONSOLE_METHODS as readonly string[]).includes(m);

export interface ConsoleData {
  readonly session: number;
  readonly data: string;
}
export interface ConsoleExit {
  readonly session: number;
  readonly code: number;
}

/** Largest frame either side accepts: a capabilities report is a few KiB; 16 MiB is plenty. */
export const MAX_FRAME_BYTES = 16 * 1024 * 1024;

/**
 * Splits a byte stream into JSON lines. Calls `onFrame` per parsed object and `onError` once
 * (then stops) on a malformed or oversized frame.
 */
export function lineReader(
  onFrame: (frame: unknown) => void,
  onError: (why: string) => void,
): (chunk: Buffer) => void {
  let buffered = '';
  let failed = false;
  return (chunk) => {
    if (failed) return;
    buffered += chunk.toString('utf8');
    if (buffered.length > MAX_FRAME_BYTES) {
      failed = true;
      onError('frame too large');
      return;
    }
    let nl: number;
    while ((nl = buffered.indexOf('\n')) >= 0) {
      const line = buffered.slice(0, nl);
      buffered = buffered.slice(nl + 1);
      if (!line.trim()) continue;
      let parsed: unknown;
      try {
        parsed = JSON.parse(line);
      } catch {
        failed = true;
        onError('malformed frame');
        return;
      }
      onFrame(parsed);
    }
  };
}

export const encodeFrame = (frame: RequestFrame | ResponseFrame | EventFrame): string =>
  `${JSON.stringify(frame)}\n`;

/** A host-layer failure as it crosses the wire (HostError keeps its code). */
export function toWireError(e: unknown): WireError {
  if (e instanceof HostError) return { code: e.code, message: e.message, detail: e.detail };
  return {
    code: HostErrorCode.HOST_COMMAND_FAILED,
    message: e instanceof Error ? e.message : String(e),
  };
}

const HOST_CODES = new Set<string>(Object.values(HostErrorCode));

/** The engine side: a wire error becomes the HostError the local agent would have thrown. */
export function fromWireError(e: WireError): HostError {
  const code = HOST_CODES.has(e.code)
    ? (e.code as HostErrorCode)
    : HostErrorCode.HOST_COMMAND_FAILED;
  return new HostError(code, e.message, e.detail ?? '');
}

/**
 * JSON turns Dates into strings; the one Date parameter of the interface is revived here so
 * the served agent gets exactly the types it declares.
 */
export function reviveParams(method: RemoteMethod, params: readonly unknown[]): unknown[] {
  const out = [...params];
  if (
    (method === 'domainGraphicsTicket' || method === 'domainSpiceTicket') &&
    typeof out[2] === 'string'
  )
    out[2] = new Date(out[2]);
  return out;
}

/** The certificate subject CN the engine's own (client) certificate carries. */
export const ENGINE_CN = 'aio-engine';
/** The certificate subject CN of a host: its engine id, so one host cannot pose as another. */
export const hostCn = (hostId: string): string => `host:${hostId}`;
/** oVirt's VDSM port; the agent's default. */
export const DEFAULT_AGENT_PORT = 54321;
