// SPDX-License-Identifier: Apache-2.0
/**
 * The runner owns every operation's lifecycle: authorize → parse input → lock → validate →
 * execute → audit → publish. Commands never catch their own errors: the runner turns every
 * failure into the contract's envelope (oVirt key, category, English text) and audits it.
 */
import { randomUUID } from 'node:crypto';

import { auditRepo } from '../../db/repos/users.repo';
import type { Principal } from '../contract/common';
import type { Envelope, ErrorBody, FieldError } from '../contract/errors';
import { type EngineErrorCode, engineMessages, formatMessage } from '../contract/messages';
import {
  isOpName,
  operations,
  type OpInput,
  type OpName,
  type OpOutput,
} from '../contract/operations';
import type { AuditSubject, CommandName, QueryName } from './command';
import type { EngineContext, EngineServices } from './context';
import type { InvokeOptions } from './engine-types';
import { databaseUnavailable, isDatabaseUnavailable, unresolvedIntents } from './intents';
import { LockTimeoutError } from './locks';
import { commands, queries } from './registry';
import { CommandFailure, type Failure } from './validation';

const REASONS: Partial<Record<EngineErrorCode, string>> = {
  INVALID_INPUT: 'Invalid value',
  INCOMPLETE_PARAMETERS: 'Incomplete parameters',
};

/** Build the envelope's error body for a failure, with the command's words. */
export function errorBody(
  failure: Failure,
  words: { action: string; type: string },
  fields?: FieldError[],
): ErrorBody {
  const def = engineMessages[failure.code];
  return {
    code: failure.code,
    category: def.category,
    reason: REASONS[failure.code] ?? 'Operation Failed',
    messages: [formatMessage(def.text, { ...words, ...failure.vars })],
    ...(fields ? { fields } : {}),
  };
}

const fail = <T>(error: ErrorBody): Envelope<T> => ({ ok: false, error });

function toFailure(e: unknown): Failure {
  if (e instanceof CommandFailure) return e.failure;
  if (e instanceof LockTimeoutError) return { code: 'ACTION_TYPE_FAILED_OBJECT_LOCKED', vars: {} };
  // A locked or failing database: temporary (503 + retry hint), never an internal error.
  if (isDatabaseUnavailable(e)) return databaseUnavailable(e, 'nothing was changed').failure;
  return {
    code: 'ENGINE_INTERNAL_ERROR',
    vars: { detail: e instanceof Error ? e.message : String(e) },
  };
}

export class Runner {
  constructor(private readonly services: EngineServices) {}

  /** Build the per-call context. */
  context(principal: Principal, correlationId: string | null): EngineContext {
    const jobId = correlationId ?? randomUUID();
    const { events } = this.services;
    return {
      ...this.services,
      principal,
      correlationId,
      progress: (description, status, fraction) => {
        events.publish({
          type: 'progress',
          jobId,
          description,
          status,
          fraction: fraction ?? null,
        });
      },
      runInternal: (op, input) => this.invoke(principal, op, input, { correlationId: jobId }),
    };
  }

  async invoke<K extends OpName>(
    principal: Principal,
    op: K,
    input: OpInput<K>,
    options: InvokeOptions = {},
  ): Promise<Envelope<OpOutput<K>>> {
    const queryWords = { action: 'get', type: 'entity' };
    if (!isOpName(op)) {
      return fail(
        errorBody(
          { code: 'INVALID_INPUT', vars: { detail: `unknown operation '${String(op)}'` } },
          queryWords,
        ),
      );
    }
    const def = operations[op];
    const words = def.kind === 'command' ? commands[op as CommandName] : queryWords;
    const parsed = def.input.safeParse(input ?? {});
    if (!parsed.success) {
      const fields: FieldError[] = parsed.error.issues.map((i) => ({
        field: i.path.join('.'),
        message: i.message,
      }));
      const missing = parsed.error.issues.filter(
        (i) => i.code === 'invalid_type' && i.received === 'undefined',
      );
      const failure: Failure =
        missing.length > 0
          ? {
              code: 'INCOMPLETE_PARAMETERS',
              vars: {
                detail: `${op} [${missing.map((i) => i.path.join('.')).join('|')}] required`,
              },
            }
          : {
              code: 'INVALID_INPUT',
              vars: { detail: fields.map((f) => `${f.field || 'input'}: ${f.message}`).join('; ') },
            };
      return fail(errorBody(failure, words, fields));
    }
    const ctx = this.context(principal, options.correlationId ?? null);
    if (def.kind === 'query') {
      try {
        const run = queries[op as QueryName] as (c: EngineContext, i: unknown) => unknown;
        return { ok: true, result: (await run(ctx, parsed.data)) as OpOutput<K> };
      } catch (e) {
        return fail(errorBody(toFailure(e), queryWords));
      }
    }
    return this.runCommand(ctx, op as K & CommandName, parsed.data, options);
  }

  private async runCommand<K extends CommandName>(
    ctx: EngineContext,
    op: K,
    input: unknown,
    options: InvokeOptions,
  ): Promise<Envelope<OpOutput<K>>> {
    const cmd = commands[op] as unknown as {
      action: string;
      type: string;
      auditCode: string;
      locks(c: EngineContext, i: unknown): readonly string[];
      prepare(
        c: EngineContext,
        i: unknown,
      ):
        | { ok: true; prepared: { subject: AuditSubject; execute(): Promise<OpOutput<K>> } }
        | { ok: false; failure: Failure; subject: AuditSubject };
    };
    const words = { action: cmd.action, type: cmd.type };
    if (!ctx.principal.admin) {
      return fail(errorBody({ code: 'USER_NOT_AUTHORIZED_TO_PERFORM_ACTION', vars: {} }, words));
    }
    let release: (() => void) | null = null;
    let subject: AuditSubject = { description: op };
    try {
      release = await ctx.locks.acquire(cmd.locks(ctx, input), ctx.lockTimeoutMs);
      const prep = cmd.prepare(ctx, input);
      if (!prep.ok) {
        const body = errorBody(prep.failure, words);
        this.audit(
          ctx,
          `${cmd.auditCode}_FAILED`,
          'warning',
          prep.subject,
          `Validation failed: ${body.messages.join(' ')}`,
        );
        return fail(body);
      }
      subject = prep.prepared.subject;
      if (options.validateOnly) return { ok: true, result: null as OpOutput<K> };
      const result = await prep.prepared.execute();
      this.audit(
        ctx,
        cmd.auditCode,
        'normal',
        subject,
        `${capitalize(cmd.action)} ${cmd.type} succeeded`,
      );
      return { ok: true, result };
    } catch (e) {
      const body = errorBody(toFailure(e), words);
      // A database that refused the command would refuse (slowly) its audit record too.
      if (body.code === 'DATABASE_UNAVAILABLE') return fail(body);
      this.audit(
        ctx,
        `${cmd.auditCode}_FAILED`,
        body.category === 'CONFLICT' ? 'warning' : 'error',
        subject,
        `Failed: ${body.messages.join(' ')}`,
      );
      return fail(body);
    } finally {
      // An intent still being resolved in the background keeps its command's locks, so no
      // other command works on rows a compensation is about to restore (intents.ts).
      const unresolved = unresolvedIntents(ctx.database);
      if (unresolved && release) void unresolved.finally(release);
      else release?.();
    }
  }

  private audit(
    ctx: EngineContext,
    code: string,
    severity: 'normal' | 'warning' | 'error',
    s: AuditSubject,
    outcome: string,
  ): void {
    try {
      const event = auditRepo.insert(ctx.database.db, {
        time: new Date().toISOString(),
        severity,
        code,
        description: `${s.description}: ${outcome} (User: ${ctx.principal.userName}).`,
        user: ctx.principal.userName,
        correlationId: ctx.correlationId,
        dataCenterId: s.dataCenterId ?? null,
        clusterId: s.clusterId ?? null,
        hostId: s.hostId ?? null,
        networkId: s.networkId ?? null,
        vmId: s.vmId ?? null,
      });
      ctx.events.publish({ type: 'audit', event });
    } catch {
      // The audit log must never turn a finished command into a failure.
    }
  }
}

const capitalize = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);
