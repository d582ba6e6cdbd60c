// SPDX-License-Identifier: Apache-2.0
/**
 * A relay between an engine and libvirtd's socket that can be cut and restored: to the engine
 * exactly what libvirtd stopping and coming back looks like (connections drop, the socket is
 * gone), without stopping the machine's real libvirtd that other tests share. The engine
 * reaches it with the URI `qemu:///system?socket=<path>`.
 *
 * The relay runs in its own process: the libvirt binding may block the engine's thread on the
 * socket, so the relay must not share that thread. Used by test/adversarial/faults.ts and the
 * libvirtd-down integration tests.
 */
import { type ChildProcess, spawn } from 'node:child_process';

const LIBVIRT_SOCKET = '/run/libvirt/libvirt-sock';

const RELAY_SCRIPT = `
const net = require('node:net'); const fs = require('node:fs');
const [path, target] = process.argv.slice(1);
let server = null; const socks = new Set();
const up = (done) => {
  if (server) return done();
  fs.rmSync(path, { force: true });
  server = net.createServer((c) => {
    const u = net.createConnection(target); socks.add(c); socks.add(u);
    const drop = () => { c.destroy(); u.destroy(); socks.delete(c); socks.delete(u); };
    c.on('error', drop).on('close', drop); u.on('error', drop).on('close', drop);
    c.pipe(u); u.pipe(c);
  });
  server.listen(path, done);
};
const down = (done) => {
  const s = server; server = null;
  for (const x of socks) x.destroy(); socks.clear();
  try { fs.unlinkSync(path); } catch {}
  if (s) s.close(); done();
};
let buf = '';
process.stdin.on('data', (d) => {
  buf += d; let i;
  while ((i = buf.indexOf('\\n')) >= 0) {
    const cmd = buf.slice(0, i); buf = buf.slice(i + 1);
    (cmd === 'up' ? up : down)(() => process.stdout.write('ok\\n'));
  }
});
process.stdin.on('end', () => down(() => process.exit(0)));
`;

export class LibvirtRelay {
  #child: ChildProcess | null = null;
  #queue: Promise<void> = Promise.resolve();
  constructor(readonly path: string) {}

  /** The libvirt URI that goes through this relay. */
  get uri(): string {
    return `qemu:///system?socket=${this.path}`;
  }

  #send(cmd: 'up' | 'down'): Promise<void> {
    const next = this.#queue.then(
      () =>
        new Promise<void>((resolve, reject) => {
          this.#child ??= spawn(process.execPath, ['-e', RELAY_SCRIPT, this.path, LIBVIRT_SOCKET], {
            stdio: ['pipe', 'pipe', 'inherit'],
          });
          const child = this.#child;
          // One listener per command, removed when it settles (no listener pile-up per round).
          const onExit = (): void => {
            child.stdout?.off('data', onData);
            reject(new Error('libvirt relay exited'));
          };
          const onData = (c: Buffer): void => {
            if (!c.toString().includes('ok')) return;
            child.stdout?.off('data', onData);
            child.off('exit', onExit);
            resolve();
          };
          child.stdout?.on('data', onData);
          child.once('exit', onExit);
          child.stdin?.write(`${cmd}\n`);
        }),
    );
    this.#queue = next.catch(() => undefined);
    return next;
  }

  /** libvirtd "comes back". */
  up(): Promise<void> {
    return this.#send('up');
  }

  /** libvirtd "stops": every connection drops and nobody can connect. */
  down(): Promise<void> {
    return this.#send('down');
  }

  /** Stop the relay process. */
  close(): void {
    this.#child?.stdin?.end();
    this.#child = null;
  }
}
