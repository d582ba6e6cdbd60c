// SPDX-License-Identifier: Apache-2.0
/**
 * The runner owns every operation's lifecycle: authorize → parse input → lock → validate →
 * execute → audit → publish. Commands never catch their own errors: the runner turns every
 * failure into the contract's envelope (oVirt key, category, English text) and audits it.
 */
import { randomUUID } from 'node:crypto';

import type { z } from 'zod';

import { auditRepo } from '../../db/repos/users.repo';
import type { Principal } from '../contract/common';
import { type Envelope, type ErrorBody, errorEnvelope, type FieldError } from '../contract/errors';
import { type EngineErrorCode, engineMessages, formatMessage } from '../contract/messages';
import {
  isOpName,
  operations,
  type OpInput,
  type OpName,
  type OpOutput,
  type OpParsedInput,
} from '../contract/operations';
import type { AuditSubject, Command, CommandName, Query, QueryName } from './command';
import { acquireCommandLocks } from './command-locks';
import type { EngineContext, EngineServices } from './context';
import type { InvokeOptions } from './engine-types';
import { withHeldLocks } from './held-locks';
import { databaseUnavailable, isDatabaseUnavailable, unresolvedIntents } from './intents';
import { LockTimeoutError } from './locks';
import { commands, queries } from './registry';
import { CommandFailure, type Failure } from './validation';

// The registries as the runner reads them: each op name → the implementation of that op.
// Plain assignments, so the compiler checks them again here (no cast after `satisfies`).
const commandRegistry: { readonly [K in CommandName]: Command<K> } = commands;
const queryRegistry: { readonly [K in QueryName]: Query<K> } = queries;

const QUERY_WORDS = { action: 'get', type: 'entity' };

/** Is `op` an operation of this kind? Narrows the name for the registries. */
function isOpKind(op: string, kind: 'query'): op is QueryName;
function isOpKind(op: string, kind: 'command'): op is CommandName;
function isOpKind(op: string, kind: 'query' | 'command'): boolean {
  return isOpName(op) && operations[op].kind === kind;
}

/**
 * Parse an operation's input with its schema: the operation's parsed input, or the envelope
 * of the fault (INCOMPLETE_PARAMETERS for missing fields, INVALID_INPUT otherwise).
 */
function parseInput<K extends OpName>(
  op: K,
  input: unknown,
  words: { action: string; type: string },
): { ok: true; input: OpParsedInput<K> } | { ok: false; error: ErrorBody } {
  const schema: z.ZodType<OpParsedInput<K>, z.ZodTypeDef, unknown> = operations[op].input;
  const parsed = schema.safeParse(input ?? {});
  if (parsed.success) return { ok: true, input: parsed.data };
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
  return { ok: false, error: errorBody(failure, words, fields) };
}

/** Run a query with its parsed input. */
function runQuery<K extends QueryName>(
  ctx: EngineContext,
  op: K,
  input: OpParsedInput<K>,
): OpOutput<K> | Promise<OpOutput<K>> {
  const run: Query<K> = queryRegistry[op];
  return run(ctx, input);
}

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
    const ctx = (): EngineContext => this.context(principal, options.correlationId ?? null);
    if (isOpKind(op, 'query')) {
      const parsed = parseInput(op, input, QUERY_WORDS);
      if (!parsed.ok) return parsed;
      try {
        return { ok: true, result: await runQuery(ctx(), op, parsed.input) };
      } catch (e) {
        return errorEnvelope(errorBody(toFailure(e), QUERY_WORDS));
      }
    }
    if (isOpKind(op, 'command')) {
      const parsed = parseInput(op, input, commandRegistry[op]);
      if (!parsed.ok) return parsed;
      return this.runCommand(ctx(), op, parsed.input, options);
    }
    // Transports pass names from the wire: one that is no operation is bad input.
    return errorEnvelope(
      errorBody(
        { code: 'INVALID_INPUT', vars: { detail: `unknown operation '${String(op)}'` } },
        QUERY_WORDS,
      ),
    );
  }

  private async runCommand<K extends CommandName>(
    ctx: EngineContext,
    op: K,
    input: OpParsedInput<K>,
    options: InvokeOptions,
  ): Promise<Envelope<OpOutput<K>>> {
    const cmd: Command<K> = commandRegistry[op];
    const words = { action: cmd.action, type: cmd.type };
    if (!ctx.principal.admin) {
      return errorEnvelope(
        errorBody({ code: 'USER_NOT_AUTHORIZED_TO_PERFORM_ACTION', vars: {} }, words),
      );
    }
    let release: (() => void) | null = null;
    let subject: AuditSubject = { description: op };
    try {
      const locked = await acquireCommandLocks(
        ctx.locks,
        op,
        cmd.locks(ctx, input),
        ctx.lockTimeoutMs,
      );
      release = locked.release;
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
        return errorEnvelope(body);
      }
      subject = prep.prepared.subject;
      if (options.validateOnly) return { ok: true, result: null as OpOutput<K> };
      const { prepared } = prep;
      const result = await withHeldLocks(locked.held, () => prepared.execute());
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
      if (body.code === 'DATABASE_UNAVAILABLE') return errorEnvelope(body);
      this.audit(
        ctx,
        `${cmd.auditCode}_FAILED`,
        body.category === 'CONFLICT' ? 'warning' : 'error',
        subject,
        `Failed: ${body.messages.join(' ')}`,
      );
      return errorEnvelope(body);
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
