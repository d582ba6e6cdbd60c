// SPDX-License-Identifier: Apache-2.0
import type { IncomingMessage } from 'node:http';

import { describe, expect, it } from 'vitest';

import { SyntaxFault } from './fault';
import { parseJson } from './json';
import { jsonDepth, MAX_BODY_DEPTH, xmlDepth } from './nesting';
import { sessionCookie, unsupportedMediaType } from './rest';
import { parseXml } from './xml';

const syntaxDetail = (f: () => unknown): string => {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(SyntaxFault);
    const detail = (err as SyntaxFault).doc?.body.detail;
    return typeof detail === 'string' ? detail : '';
  }
  throw new Error('no fault');
};

describe('request body parsing never throws anything but a syntax fault', () => {
  it.each([
    ['<action/', 'action'],
    ['<network/><!--', 'network'],
    ['<network><name>a</name>', 'network'],
    ['<network><name>a</nam></network>', 'network'],
    ['<?xml version="1.0"?>', 'network'],
    ['<network a="1" a="2"/>', 'network'],
    ['<vm/>', 'network'],
    ['<network/><network/>', 'network'],
    ['<!DOCTYPE x [<!ENTITY a "aaaa">]><network>&a;</network>', 'network'],
    ['\u0000<network/>', 'network'],
  ])('XML %j', (text, root) => {
    expect(syntaxDetail(() => parseXml(text, root))).not.toBe('');
  });

  it.each(['{"name": ', '[1,2]', '"x"', '{"a":1}}', '{"a": NaN}', "{'a': 1}"])(
    'JSON %j',
    (text) => {
      expect(syntaxDetail(() => parseJson(text))).not.toBe('');
    },
  );

  it('refuses JSON nested 10,000 deep and arrays 5,000 deep with a clear detail', () => {
    const objects = '{"a":'.repeat(10_000) + '1' + '}'.repeat(10_000);
    const arrays = '{"a":' + '['.repeat(5_000) + ']'.repeat(5_000) + '}';
    expect(syntaxDetail(() => parseJson(objects))).toContain(`deeper than ${MAX_BODY_DEPTH}`);
    expect(syntaxDetail(() => parseJson(arrays))).toContain(`deeper than ${MAX_BODY_DEPTH}`);
  });

  it('refuses XML nested 100,000 deep with a clear detail', () => {
    const deep = '<network>' + '<a>'.repeat(100_000) + '</a>'.repeat(100_000) + '</network>';
    expect(syntaxDetail(() => parseXml(deep, 'network'))).toContain('deeper than');
  });

  it('keeps reading ordinary documents, brackets in strings and > in attributes', () => {
    expect(parseJson('{"name":"a{[b","usages":{"usage":["vm"]}}')).toEqual({
      name: 'a{[b',
      usages: { usage: ['vm'] },
    });
    expect(jsonDepth('{"a":"{{{{"}')).toBe(1);
    expect(xmlDepth('<a x=">"><b/><c><d></d></c></a>')).toBe(3);
    expect(xmlDepth('<a><!-- <b><c> --><![CDATA[<x><y>]]></a>')).toBe(1);
  });
});

const req = (method: string, headers: Record<string, string>): IncomingMessage =>
  ({ method, headers }) as unknown as IncomingMessage;

describe('unsupportedMediaType', () => {
  it('accepts XML and JSON bodies, and no type without a body', () => {
    for (const type of ['application/xml', 'text/xml; charset=utf-8', 'application/json']) {
      expect(unsupportedMediaType(req('POST', { 'content-type': type }))).toBeNull();
    }
    expect(unsupportedMediaType(req('POST', {}))).toBeNull();
    expect(unsupportedMediaType(req('POST', { 'content-length': '0' }))).toBeNull();
    // The SDK sends Content-Type: application/xml on GET and DELETE too; those never matter.
    expect(unsupportedMediaType(req('GET', { 'content-type': 'text/plain' }))).toBeNull();
  });

  it('answers 415 for forms, text/plain, multipart and typeless bodies', () => {
    for (const type of [
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'application/octet-stream',
    ]) {
      const f = unsupportedMediaType(req('POST', { 'content-type': type, 'content-length': '5' }));
      expect(f?.status).toBe(415);
      expect(f?.doc?.body.reason).toBe('Unsupported Media Type');
    }
    expect(unsupportedMediaType(req('PUT', { 'content-length': '5' }))?.status).toBe(415);
    expect(unsupportedMediaType(req('POST', { 'transfer-encoding': 'chunked' }))?.status).toBe(415);
  });
});

describe('sessionCookie', () => {
  it('is HttpOnly and SameSite=Strict, and Secure only under TLS', () => {
    expect(sessionCookie('abc', false)).toBe(
      'JSESSIONID=abc; Path=/ovirt-engine/api; HttpOnly; SameSite=Strict',
    );
    expect(sessionCookie('abc', true)).toContain('; Secure');
  });
});
