// SPDX-License-Identifier: Apache-2.0
/**
 * Interactive serial console of a running domain: `virsh console` in a pseudo-terminal
 * (node-pty), argument array only. `--force` takes the console over from a stale session; the
 * binding has no stream API (virDomainOpenConsole), hence virsh.
 */
import type { ConsoleSession } from '../host-agent';

/**
 * Open `virsh -c <uri> console <uuid> --force` in a pty. node-pty loads on the first console,
 * not with the engine (issue 14: start-up loads only what the first answer needs).
 */
export async function openConsole(uri: string, uuid: string): Promise<ConsoleSession> {
  const { spawn } = await import('node-pty');
  const pty = spawn('virsh', ['-c', uri, 'console', uuid, '--force'], {
    name: 'xterm-256color',
    cols: 80,
    rows: 24,
    env: { ...process.env, LC_ALL: 'C' },
  });
  let open = true;
  pty.onExit(() => {
    open = false;
  });
  return {
    write(data: string): void {
      if (open) pty.write(data);
    },
    onData(listener: (data: string) => void): () => void {
      const d = pty.onData(listener);
      return () => {
        d.dispose();
      };
    },
    onExit(listener: (exitCode: number) => void): () => void {
      const d = pty.onExit((e) => {
        listener(e.exitCode);
      });
      return () => {
        d.dispose();
      };
    },
    resize(cols: number, rows: number): void {
      if (open) pty.resize(cols, rows);
    },
    close(): void {
      if (!open) return;
      open = false;
      pty.kill();
    },
  };
}
