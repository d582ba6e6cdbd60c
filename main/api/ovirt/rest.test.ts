// SPDX-License-Identifier: Apache-2.0
import type { IncomingMessage } from 'node:http';

import { describe, expect, it } from 'vitest';

import type { ErrorBody } from '../../contract/errors';
import { actionFaultOf, faultOf } from './fault';
import { negotiate } from './rest';

const req = (accept?: string): IncomingMessage =>
  ({ headers: accept === undefined ? {} : { accept } }) as unknown as IncomingMessage;

describe('negotiate', () => {
  it('defaults to XML, follows Accept, and lets accept= win', () => {
    expect(negotiate(req(), new URLSearchParams())).toBe('xml');
    expect(negotiate(req('*/*'), new URLSearchParams())).toBe('xml');
    expect(negotiate(req('application/json'), new URLSearchParams())).toBe('json');
    expect(negotiate(req('application/xml;q=0.5, application/json'), new URLSearchParams())).toBe(
      'json',
    );
    expect(negotiate(req('application/json'), new URLSearchParams('accept=application/xml'))).toBe(
      'xml',
    );
  });
});

describe('faultOf', () => {
  const error = (
    category: ErrorBody['category'],
    reason: string,
    messages: string[],
  ): ErrorBody => ({
    code: 'X',
    category,
    reason,
    messages,
  });

  it('brackets backend messages and takes the status from the category', () => {
    const f = faultOf(error('CONFLICT', 'Operation Failed', ['Cannot add Network. a.', 'b']));
    expect(f.status).toBe(409);
    expect(f.doc?.body).toEqual({
      reason: 'Operation Failed',
      detail: '[Cannot add Network. a., b]',
    });
    expect(faultOf(error('BAD_PARAMETERS', 'Operation Failed', ['x'])).status).toBe(400);
  });

  it('keeps input reasons as plain sentences and NOT_FOUND as an empty 404', () => {
    const f = faultOf(
      error('BAD_PARAMETERS', 'Incomplete parameters', ['Vm [name] required for add']),
    );
    expect(f.doc?.body).toEqual({
      reason: 'Incomplete parameters',
      detail: 'Vm [name] required for add',
    });
    const nf = faultOf(error('NOT_FOUND', 'Operation Failed', ['Entity not found']));
    expect(nf.status).toBe(404);
    expect(nf.doc).toBeNull();
  });

  it('wraps doAction failures in a failed action', () => {
    const f = actionFaultOf(
      error('CONFLICT', 'Operation Failed', ['Cannot run VM. VM is running.']),
    );
    expect(f.doc).toEqual({
      root: 'action',
      body: {
        fault: { reason: 'Operation Failed', detail: '[Cannot run VM. VM is running.]' },
        status: 'failed',
      },
    });
  });
});

describe('retry hints', () => {
  it('adds Retry-After to a lock-wait conflict, and to its failed action', () => {
    const locked: ErrorBody = {
      code: 'ACTION_TYPE_FAILED_OBJECT_LOCKED',
      category: 'CONFLICT',
      reason: 'Operation Failed',
      messages: ['Cannot attach Network. Related operation is currently in progress.'],
    };
    expect(faultOf(locked).headers).toEqual({ 'Retry-After': '1' });
    expect(actionFaultOf(locked).headers).toEqual({ 'Retry-After': '1' });
    expect(faultOf({ ...locked, code: 'NETWORK_NAME_IN_USE' }).headers).toBeUndefined();
  });
});
