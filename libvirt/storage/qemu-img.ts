// SPDX-License-Identifier: Apache-2.0
/**
 * The one wrapper around `qemu-img`: argument arrays, `--output=json` where qemu-img has it,
 * an explicit format (`-f`, `-F`) everywhere so nothing is ever probed by accident, and `-U`
 * (force share) only for reads of volumes a running domain may hold open.
 *
 * @see https://qemu.readthedocs.io/en/v7.2.0/tools/qemu-img.html
 */
import { spawn } from 'node:child_process';

import { HostError, HostErrorCode } from '../../main/contract/errors';
import { run } from '../exec';
import type { VolumeFormat, VolumeProgress } from '../host-agent';

const QEMU_IMG = 'qemu-img';
/** Copies, rebases and checks of big images are slow on a busy 2-core machine under TCG. */
const LONG_MS = 60 * 60_000;

/** `qemu-img info --output=json` (the fields this product reads). */
export interface QemuImgInfo {
  readonly format: string;
  readonly 'virtual-size': number;
  readonly 'actual-size'?: number;
  readonly 'backing-filename'?: string;
  readonly 'full-backing-filename'?: string;
  readonly 'backing-filename-format'?: string;
  readonly 'dirty-flag'?: boolean;
  readonly 'format-specific'?: {
    readonly type?: string;
    readonly data?: {
      readonly corrupt?: boolean;
      readonly 'data-file'?: string;
      readonly encrypt?: unknown;
    };
  };
}

/** `qemu-img check --output=json`, plus the exit code (0 clean, 2 corrupt, 3 leaks only). */
export interface QemuImgCheck {
  readonly exitCode: number;
  readonly 'image-end-offset'?: number;
  readonly corruptions?: number;
  readonly leaks?: number;
  readonly 'check-errors'?: number;
}

function parseJson(what: string, text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (cause) {
    throw new HostError(
      HostErrorCode.HOST_COMMAND_FAILED,
      `${what}: output is not JSON`,
      text.slice(0, 500),
      {
        cause,
      },
    );
  }
}

/**
 * `qemu-img info`. `format` given = opened as that format only (no probing); omitted = qemu-img
 * probes, which is how an upload's real format is found out (never used to open it afterwards).
 */
export async function qemuImgInfo(
  path: string,
  options: { readonly format?: VolumeFormat; readonly forceShare?: boolean } = {},
): Promise<QemuImgInfo> {
  const args = ['info', '--output=json'];
  if (options.forceShare) args.push('-U');
  if (options.format !== undefined) args.push('-f', options.format);
  args.push(path);
  const { stdout } = await run(QEMU_IMG, args);
  return parseJson(`qemu-img info ${path}`, stdout) as QemuImgInfo;
}

/** `qemu-img check` of a qcow2 volume; resolves with its report whatever the exit code. */
export function qemuImgCheck(path: string): Promise<QemuImgCheck> {
  return new Promise((resolve, reject) => {
    const child = spawn(QEMU_IMG, ['check', '--output=json', '-f', 'qcow2', path], {
      env: { ...process.env, LC_ALL: 'C' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), LONG_MS);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new HostError(HostErrorCode.HOST_COMMAND_FAILED, `qemu-img check: ${error.message}`));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      const exitCode = code ?? -1;
      // 1 = the check itself could not run (unreadable header…): there is no report.
      if (stdout.trim() === '') {
        reject(
          new HostError(
            HostErrorCode.VOLUME_CORRUPT,
            `qemu-img check could not read ${path}`,
            stderr.trim(),
          ),
        );
        return;
      }
      resolve({ ...(parseJson(`qemu-img check ${path}`, stdout) as object), exitCode });
    });
  });
}

/**
 * `qemu-img measure`: bytes a new volume of `format` needs, for the space check before writing.
 * From a source volume (a copy: what it holds), or for an empty volume of `sizeBytes`.
 */
export async function qemuImgMeasure(
  format: VolumeFormat,
  from:
    | { readonly source: string; readonly sourceFormat: VolumeFormat }
    | { readonly sizeBytes: number },
): Promise<number> {
  const args = ['measure', '--output=json', '-O', format];
  if ('source' in from) args.push('-f', from.sourceFormat, from.source);
  else args.push('--size', String(from.sizeBytes));
  const { stdout } = await run(QEMU_IMG, args, { timeoutMs: LONG_MS });
  const out = parseJson('qemu-img measure', stdout) as { required?: number };
  if (typeof out.required !== 'number') {
    throw new HostError(HostErrorCode.HOST_COMMAND_FAILED, 'qemu-img measure: no "required"');
  }
  return out.required;
}

/** `qemu-img create`, of a standalone volume or of a qcow2 overlay on `backing`. */
export async function qemuImgCreate(
  path: string,
  format: VolumeFormat,
  sizeBytes: number,
  backing?: { readonly path: string; readonly format: VolumeFormat },
): Promise<void> {
  const args = ['create', '-q', '-f', format];
  if (backing !== undefined) args.push('-b', backing.path, '-F', backing.format);
  // Sparse by default (oVirt's `sparse=true` disks); lazy refcounts off so a crash leaves no leaks.
  if (format === 'qcow2') args.push('-o', 'compat=1.1');
  args.push(path);
  if (sizeBytes > 0 || backing === undefined) args.push(String(sizeBytes));
  await run(QEMU_IMG, args, { timeoutMs: 120_000 });
}

/** Parse every `(12.34/100%)` in `qemu-img convert -p` output; returns the last fraction seen. */
export function parseConvertProgress(chunk: string): number | null {
  let last: number | null = null;
  for (const m of chunk.matchAll(/\((\d+(?:\.\d+)?)\/100%\)/g)) {
    const pct = Number(m[1]);
    if (Number.isFinite(pct)) last = Math.min(1, Math.max(0, pct / 100));
  }
  return last;
}

/**
 * `qemu-img convert -p` of a whole chain into a standalone volume. Progress is read from the
 * `(n/100%)` lines qemu-img prints on stdout. `-W` is not used: ordered writes keep a crashed
 * copy easier to reason about, and the gain on one local disk is small.
 */
export function qemuImgConvert(
  source: { readonly path: string; readonly format: VolumeFormat },
  target: { readonly path: string; readonly format: VolumeFormat },
  onProgress?: VolumeProgress,
): Promise<void> {
  // -U: the source may be the active volume of a running domain (a template's disk never is,
  // but a clone source may be read while its VM is up; the copy is then crash-consistent).
  const args = ['convert', '-p', '-U', '-f', source.format, '-O', target.format];
  if (target.format === 'qcow2') args.push('-o', 'compat=1.1');
  args.push(source.path, target.path);
  return new Promise((resolve, reject) => {
    const child = spawn(QEMU_IMG, args, {
      env: { ...process.env, LC_ALL: 'C' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    let lastFraction = -1;
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      const fraction = parseConvertProgress(chunk);
      if (fraction !== null && fraction !== lastFraction && onProgress !== undefined) {
        lastFraction = fraction;
        onProgress(fraction);
      }
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), LONG_MS);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(
        new HostError(HostErrorCode.HOST_COMMAND_FAILED, `qemu-img convert: ${error.message}`),
      );
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) {
        if (onProgress !== undefined && lastFraction !== 1) onProgress(1);
        resolve();
        return;
      }
      const detail = stderr.trim() || `exit ${String(code ?? signal)}`;
      reject(
        new HostError(
          signal === 'SIGKILL' ? HostErrorCode.HOST_TIMEOUT : HostErrorCode.HOST_COMMAND_FAILED,
          `qemu-img convert ${source.path} → ${target.path}: ${detail}`,
          detail,
        ),
      );
    });
  });
}

/** `qemu-img resize` to `sizeBytes` (callers make sure it only grows). */
export async function qemuImgResize(
  path: string,
  format: VolumeFormat,
  sizeBytes: number,
): Promise<void> {
  await run(QEMU_IMG, ['resize', '-q', '-f', format, path, String(sizeBytes)], {
    timeoutMs: 120_000,
  });
}

/**
 * Safe-mode `qemu-img rebase` (data that differs between the old and new backing is copied into
 * `path`, so the guest sees the same disk). `backing` null makes `path` standalone.
 */
export async function qemuImgRebase(
  path: string,
  backing: { readonly path: string; readonly format: VolumeFormat } | null,
): Promise<void> {
  const args = ['rebase', '-q', '-f', 'qcow2'];
  if (backing === null) args.push('-b', '');
  else args.push('-b', backing.path, '-F', backing.format);
  args.push(path);
  await run(QEMU_IMG, args, { timeoutMs: LONG_MS });
}
