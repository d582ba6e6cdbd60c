// SPDX-License-Identifier: Apache-2.0
/**
 * A command in oVirt's shape: words for its messages (`Cannot ${action} ${type}.`), lock
 * keys, `validate()` that reads the database only and prepares a plan, `execute()` that
 * changes things. `defineCommand` erases the plan type so the registry can hold them all.
 */
import type { CommandOpName, OpOutput, OpParsedInput, QueryOpName } from '../contract/operations';
import type { EngineContext } from './context';
import type { Failure, Validated } from './validation';

export type CommandName = CommandOpName;
export type QueryName = QueryOpName;

/** What the audit entry of a command is about. */
export interface AuditSubject {
  readonly description: string;
  readonly dataCenterId?: string | null;
  readonly clusterId?: string | null;
  readonly hostId?: string | null;
  readonly networkId?: string | null;
  readonly vmId?: string | null;
}

export interface CommandSpec<K extends CommandName, P> {
  /** `${action}` in messages: add, edit, remove, attach, detach, setup, run, stop, … */
  readonly action: string;
  /** `${type}` in messages: Network, Label, Networks, Host, VM, … */
  readonly type: string;
  /** oVirt-style audit code for success; failures append `_FAILED`. */
  readonly auditCode: string;
  locks(ctx: EngineContext, input: OpParsedInput<K>): readonly string[];
  validate(ctx: EngineContext, input: OpParsedInput<K>): Validated<P>;
  execute(ctx: EngineContext, input: OpParsedInput<K>, plan: P): Promise<OpOutput<K>>;
  subject(input: OpParsedInput<K>, plan: P | null): AuditSubject;
}

export interface Prepared<K extends CommandName> {
  readonly subject: AuditSubject;
  execute(): Promise<OpOutput<K>>;
}

export interface Command<K extends CommandName> {
  readonly action: string;
  readonly type: string;
  readonly auditCode: string;
  locks(ctx: EngineContext, input: OpParsedInput<K>): readonly string[];
  prepare(
    ctx: EngineContext,
    input: OpParsedInput<K>,
  ): { ok: true; prepared: Prepared<K> } | { ok: false; failure: Failure; subject: AuditSubject };
}

/** Build a registry entry from a spec (keeps the plan type private to the command). */
export function defineCommand<K extends CommandName, P>(spec: CommandSpec<K, P>): Command<K> {
  return {
    action: spec.action,
    type: spec.type,
    auditCode: spec.auditCode,
    locks: (ctx, input) => spec.locks(ctx, input),
    prepare: (ctx, input) => {
      const v = spec.validate(ctx, input);
      if (!v.ok) return { ok: false, failure: v.failure, subject: spec.subject(input, null) };
      const plan = v.plan;
      return {
        ok: true,
        prepared: {
          subject: spec.subject(input, plan),
          execute: () => spec.execute(ctx, input, plan),
        },
      };
    },
  };
}

export type Query<K extends QueryName> = (
  ctx: EngineContext,
  input: OpParsedInput<K>,
) => OpOutput<K> | Promise<OpOutput<K>>;

/** Lock key helpers, so every command spells them the same way. */
export const lockKey = {
  network: (id: string) => `network:${id}`,
  networkName: (dcId: string, name: string) => `network-name:${dcId}:${name}`,
  cluster: (id: string) => `cluster:${id}`,
  host: (id: string) => `host:${id}`,
  vm: (id: string) => `vm:${id}`,
  vmName: (name: string) => `vm-name:${name}`,
  label: (label: string) => `label:${label}`,
  /** Taken by every command that changes networks on any host (one host: cheap, safe). */
  hostNetworks: (hostId: string) => `host-networks:${hostId}`,
};
