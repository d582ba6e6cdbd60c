// SPDX-License-Identifier: Apache-2.0
/**
 * Does KVM really run a guest here? `/dev/kvm` can exist and answer ioctls while guests hang
 * (nested virtualisation on a VM host), so the only honest test is to boot one: the tiny guest
 * with `aio.probe=1` under `qemu-system-x86_64 -accel kvm`, with a time limit. KVM is the
 * answer only when the guest prints {@link TINY_GUEST_PROBE_OK}; anything else means TCG.
 *
 * `npm run setup` probes once and records the answer in `<cache>/accelerator.json`; domains
 * are then created with `type='kvm'` or `type='qemu'` from {@link readAccelerator}.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { release } from 'node:os';
import { join } from 'node:path';

import { HostError, HostErrorCode } from '../main/contract/errors';
import type { Accelerator } from './host-agent';
import {
  aioCacheDir,
  readTinyGuest,
  TINY_GUEST_PROBE_CMDLINE,
  TINY_GUEST_PROBE_OK,
} from './tiny-guest';

export type { Accelerator } from './host-agent';

/** What the probe found, as recorded in `<cache>/accelerator.json`. */
export interface AcceleratorRecord {
  readonly accelerator: Accelerator;
  /** First line of `qemu-system-x86_64 --version`; a new QEMU is probed again. */
  readonly qemuVersion: string;
  /** Host kernel release (`uname -r`); a new kernel is probed again. */
  readonly hostKernel: string;
  /** ISO 8601 time of the probe. */
  readonly probedAt: string;
  /** How long the KVM attempt took, in milliseconds. */
  readonly probeMs: number;
  /** Why: "guest printed AIO-PROBE-OK", "no AIO-PROBE-OK within 20 s", qemu's error, … */
  readonly detail: string;
}

export interface ProbeOptions {
  /** Where the record lives; default {@link aioCacheDir}. */
  readonly cacheDir?: string;
  /** Time limit of the KVM boot; default 20 s (the guest needs well under 2 s under KVM). */
  readonly timeoutMs?: number;
  readonly qemuBinary?: string;
  /** Probe even when a record for this QEMU and kernel exists. Default false. */
  readonly force?: boolean;
  /** Do not write the record (for a consistency check). Default false. */
  readonly dryRun?: boolean;
  /** Called just before a guest is booted (i.e. when the record is not reused). */
  readonly onProbe?: () => void;
}

export interface ProbeResult {
  readonly record: AcceleratorRecord;
  /** True when an existing record was returned without booting anything. */
  readonly reused: boolean;
}

const DEFAULT_QEMU = 'qemu-system-x86_64';

/** Path of the accelerator record in a cache directory. */
export function acceleratorRecordPath(cacheDir: string = aioCacheDir()): string {
  return join(cacheDir, 'accelerator.json');
}

/** The recorded probe result, or null when there is none (or it is unreadable). */
export function readAcceleratorRecord(cacheDir: string = aioCacheDir()): AcceleratorRecord | null {
  try {
    const record = JSON.parse(
      readFileSync(acceleratorRecordPath(cacheDir), 'utf8'),
    ) as AcceleratorRecord;
    return record.accelerator === 'kvm' || record.accelerator === 'tcg' ? record : null;
  } catch {
    return null;
  }
}

/**
 * The accelerator domains must use: `'kvm'` → `<domain type='kvm'>`, `'tcg'` →
 * `<domain type='qemu'>`. Reads the record written by `npm run setup`; boots nothing.
 *
 * @throws HostError HOST_COMMAND_FAILED when no probe was recorded (the message names
 *   `npm run setup`).
 */
export function readAccelerator(cacheDir: string = aioCacheDir()): Accelerator {
  const record = readAcceleratorRecord(cacheDir);
  if (!record) {
    throw new HostError(
      HostErrorCode.HOST_COMMAND_FAILED,
      'No accelerator probe recorded (KVM or TCG?): run `npm run setup`.',
      acceleratorRecordPath(cacheDir),
    );
  }
  return record.accelerator;
}

/** First line of `qemu-system-x86_64 --version`. @throws HostError HOST_COMMAND_FAILED */
export function qemuVersion(qemuBinary: string = DEFAULT_QEMU): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(qemuBinary, ['--version'], { timeout: 10_000 }, (error, stdout, stderr) => {
      if (error) {
        reject(
          new HostError(
            HostErrorCode.HOST_COMMAND_FAILED,
            `${qemuBinary} --version failed`,
            `${stderr}${error.message}`,
            { cause: error },
          ),
        );
        return;
      }
      resolve(stdout.split('\n')[0]?.trim() ?? '');
    });
  });
}

/** Outcome of one timed boot. */
interface BootAttempt {
  readonly ok: boolean;
  readonly ms: number;
  readonly detail: string;
}

/** Boots the tiny guest once with `-accel kvm`; kills QEMU at the time limit. */
function bootUnderKvm(
  qemuBinary: string,
  kernel: string,
  initrd: string,
  timeoutMs: number,
): Promise<BootAttempt> {
  const started = Date.now();
  const args = [
    '-accel',
    'kvm',
    '-m',
    '128',
    '-nodefaults',
    '-no-user-config',
    '-display',
    'none',
    '-serial',
    'stdio',
    '-no-reboot',
    '-kernel',
    kernel,
    '-initrd',
    initrd,
    '-append',
    TINY_GUEST_PROBE_CMDLINE,
  ];
  return new Promise((resolve) => {
    const child = spawn(qemuBinary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    let settled = false;
    const finish = (ok: boolean, detail: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      // The guest powers itself off after the marker; a hung one never will.
      if (child.exitCode === null) child.kill('SIGKILL');
      resolve({ ok, ms: Date.now() - started, detail });
    };
    const timer = setTimeout(() => {
      finish(false, `no ${TINY_GUEST_PROBE_OK} within ${timeoutMs / 1000} s under KVM`);
    }, timeoutMs);
    const collect = (chunk: Buffer): void => {
      output = (output + chunk.toString()).slice(-64 * 1024);
      if (output.includes(TINY_GUEST_PROBE_OK)) {
        finish(true, `guest printed ${TINY_GUEST_PROBE_OK} under KVM`);
      }
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('error', (error) => {
      finish(false, `cannot run ${qemuBinary}: ${error.message}`);
    });
    // 'close', not 'exit': the marker may still sit in the pipe when QEMU has exited.
    child.on('close', (code) => {
      const tail = output.trim().split('\n').slice(-3).join(' | ');
      finish(false, `qemu exited with ${String(code)} before ${TINY_GUEST_PROBE_OK}: ${tail}`);
    });
  });
}

/**
 * Decides between KVM and TCG by booting the tiny guest under KVM with a time limit, and
 * records the answer. Reuses the record when one exists for the same QEMU version and host
 * kernel (unless `force`).
 *
 * @throws HostError HOST_COMMAND_FAILED when QEMU or the tiny guest is missing (run
 *   `npm run setup`).
 */
export async function probeAccelerator(options: ProbeOptions = {}): Promise<ProbeResult> {
  const cacheDir = options.cacheDir ?? aioCacheDir();
  const qemuBinary = options.qemuBinary ?? DEFAULT_QEMU;
  const version = await qemuVersion(qemuBinary);
  const hostKernel = release();
  const previous = readAcceleratorRecord(cacheDir);
  if (
    !options.force &&
    previous &&
    previous.qemuVersion === version &&
    previous.hostKernel === hostKernel
  ) {
    return { record: previous, reused: true };
  }
  const guest = readTinyGuest(cacheDir);
  options.onProbe?.();
  const attempt = await bootUnderKvm(
    qemuBinary,
    guest.kernelPath,
    guest.initrdPath,
    options.timeoutMs ?? 20_000,
  );
  const record: AcceleratorRecord = {
    accelerator: attempt.ok ? 'kvm' : 'tcg',
    qemuVersion: version,
    hostKernel,
    probedAt: new Date().toISOString(),
    probeMs: attempt.ms,
    detail: attempt.detail,
  };
  if (!options.dryRun) {
    mkdirSync(cacheDir, { recursive: true });
    const path = acceleratorRecordPath(cacheDir);
    writeFileSync(`${path}.tmp`, `${JSON.stringify(record, null, 2)}\n`);
    renameSync(`${path}.tmp`, path);
  }
  return { record, reused: false };
}
