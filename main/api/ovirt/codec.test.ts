// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from 'vitest';

import { DateTime, Decimal } from './doc';
import { ApiFault, SyntaxFault } from './fault';
import { bool, enumOf, int, objList, rootObject, str, strList } from './input';
import { parseJson, writeJson } from './json';
import { Router } from './router';
import { applySearch, parseSearch } from './search';
import { parseXml, writeXml } from './xml';

describe('writeXml', () => {
  it('writes id/href/rel as attributes and everything else as elements, escaped', () => {
    const xml = writeXml({
      root: 'network',
      body: {
        href: '/ovirt-engine/api/networks/1',
        id: '1',
        name: 'a<b>&"c"',
        mtu: 9000,
        stp: false,
        vlan: { id: '10' },
        usages: { usage: ['vm'] },
        link: [{ href: '/x/vnicprofiles', rel: 'vnicprofiles' }],
        comment: undefined,
      },
    });
    expect(xml).toContain(
      '<network href="/ovirt-engine/api/networks/1" id="1"><name>a&lt;b&gt;&amp;&quot;c&quot;</name>',
    );
    expect(xml).toContain('<mtu>9000</mtu><stp>false</stp><vlan id="10"/>');
    expect(xml).toContain('<usages><usage>vm</usage></usages>');
    expect(xml).toContain('<link href="/x/vnicprofiles" rel="vnicprofiles"/>');
    expect(xml).not.toContain('comment');
  });

  it('writes an empty collection as a self-closing wrapper', () => {
    expect(writeXml({ root: 'networks', body: {} })).toContain('<networks/>');
  });

  it('writes decimals and dates as text', () => {
    const xml = writeXml({
      root: 'x',
      body: { datum: new Decimal(1.5), time: new DateTime(new Date(0)) },
    });
    expect(xml).toContain('<datum>1.5</datum><time>1970-01-01T00:00:00.000+00:00</time>');
  });
});

describe('writeJson', () => {
  it('stringifies integers and booleans, keeps decimals and dates as numbers, drops the root', () => {
    const json = JSON.parse(
      writeJson({
        root: 'networks',
        body: {
          network: [
            { id: '1', mtu: 9000, stp: false, values: { value: [{ datum: new Decimal(2) }] } },
          ],
          time: new DateTime(new Date(5)),
        },
      }),
    ) as Record<string, unknown>;
    expect(json).toEqual({
      network: [{ id: '1', mtu: '9000', stp: 'false', values: { value: [{ datum: 2 }] } }],
      time: 5,
    });
  });
});

describe('readers', () => {
  it('reads XML and JSON into the same shape', () => {
    const xml = rootObject(
      parseXml(
        '<network><name>blue</name><mtu>9000</mtu><usages><usage>vm</usage></usages><data_center id="d"/></network>',
        'network',
      ),
    );
    const json = rootObject(
      parseJson('{"name":"blue","mtu":9000,"usages":{"usage":["vm"]},"data_center":{"id":"d"}}'),
    );
    for (const o of [xml, json]) {
      expect(str(o, 'name')).toBe('blue');
      expect(int(o, 'mtu')).toBe(9000);
      expect(strList(o, 'usages', 'usage')).toEqual(['vm']);
    }
    expect(
      strList(rootObject(parseXml('<network><usages/></network>', 'network')), 'usages', 'usage'),
    ).toEqual([]);
  });

  it('reads repeated and single list items alike', () => {
    const one = rootObject(
      parseXml(
        '<action><modified_network_attachments><network_attachment><network><name>a</name></network></network_attachment></modified_network_attachments></action>',
        'action',
      ),
    );
    expect(objList(one, 'modified_network_attachments', 'network_attachment')).toHaveLength(1);
  });

  it('gives oVirt faults for bad booleans, integers and enums', () => {
    const o = { b: 'yes', i: 'x', e: 'bogus' };
    expect(() => bool(o, 'b')).toThrow(ApiFault);
    expect(bool({ b: '1' }, 'b')).toBe(true);
    expect(bool({ b: 'FALSE' }, 'b')).toBe(false);
    try {
      int(o, 'i');
    } catch (err) {
      expect((err as ApiFault).status).toBe(400);
      expect((err as ApiFault).doc?.body.reason).toBe('Invalid value');
    }
    try {
      enumOf(o, 'e', ['vm'], 'NetworkUsage');
      expect.unreachable();
    } catch (err) {
      expect((err as ApiFault).doc?.body.reason).toBe('Invalid Enum value');
    }
  });

  it('rejects malformed XML, a wrong root, DOCTYPEs and malformed JSON with a usage message', () => {
    expect(() => parseXml('<network><name>x</network>', 'network')).toThrow(SyntaxFault);
    expect(() => parseXml('<vm/>', 'network')).toThrow(SyntaxFault);
    expect(() =>
      parseXml('<!DOCTYPE x [<!ENTITY a "b">]><network>&a;</network>', 'network'),
    ).toThrow(SyntaxFault);
    expect(() => parseJson('{"name": ')).toThrow(SyntaxFault);
    expect(() => parseJson('[1]')).toThrow(SyntaxFault);
    try {
      parseJson('nope');
    } catch (err) {
      expect((err as ApiFault).doc?.root).toBe('usage_message');
    }
  });
});

describe('search', () => {
  const items = [
    { name: 'blue', dc: 'Default' },
    { name: 'blue green', dc: 'Other' },
    { name: 'red', dc: 'Default' },
  ];
  const fields = {
    name: (i: (typeof items)[number]) => i.name,
    datacenter: (i: (typeof items)[number]) => i.dc,
  };
  const run = (search: string): string[] =>
    applySearch(items, new URLSearchParams({ search }), fields).map((i) => i.name);

  it('handles the forms clients send', () => {
    expect(run('name=blue')).toEqual(['blue']);
    expect(run('name="blue green"')).toEqual(['blue green']);
    expect(run('name=BLUE')).toEqual(['blue']);
    expect(run('name=bl*')).toEqual(['blue', 'blue green']);
    expect(run('name="blue*" and datacenter="Default"')).toEqual(['blue']);
    expect(parseSearch('Vms: name=x')).toEqual([{ field: 'name', value: 'x' }]);
  });

  it('refuses what it cannot parse', () => {
    expect(() => parseSearch('name~x')).toThrow(ApiFault);
    expect(() => parseSearch('name=x or name=y')).toThrow(ApiFault);
  });

  it('matches nothing on unknown fields, including Object.prototype names', () => {
    expect(run('colour=blue')).toEqual([]);
    expect(run('constructor=x')).toEqual([]);
    expect(run('__proto__=x')).toEqual([]);
  });

  it('matches many-star globs in linear time (a RegExp of .* backtracks for seconds)', () => {
    const long = [{ name: 'a'.repeat(256), dc: 'Default' }];
    const started = Date.now();
    expect(
      applySearch(long, new URLSearchParams({ search: `name=${'a*'.repeat(12)}b` }), fields),
    ).toEqual([]);
    expect(applySearch(long, new URLSearchParams({ search: 'name=a*a*a' }), fields)).toHaveLength(
      1,
    );
    expect(Date.now() - started).toBeLessThan(1000);
  });
});

describe('Router', () => {
  const router = new Router<string>()
    .add('GET', '/networks', 'list')
    .add('GET', '/networks/:id', 'one')
    .add('DELETE', '/networks/:id/networklabels/~label', 'label');
  const id = '0b9ddd6a-fc1b-398a-9f95-7a863c753017';

  it('matches literals, UUID params and free params; HEAD follows GET', () => {
    expect(router.match('GET', '/networks')).toMatchObject({ kind: 'found', handler: 'list' });
    expect(router.match('HEAD', `/networks/${id.toUpperCase()}`)).toMatchObject({
      kind: 'found',
      params: { id },
    });
    expect(router.match('DELETE', `/networks/${id}/networklabels/lab_1`)).toMatchObject({
      params: { label: 'lab_1' },
    });
  });

  it('gives not-found for malformed ids and unknown paths, 405 for other methods', () => {
    expect(router.match('GET', '/networks/123').kind).toBe('not-found');
    expect(router.match('GET', '/nothing').kind).toBe('not-found');
    expect(router.match('POST', `/networks/${id}`)).toEqual({
      kind: 'method-not-allowed',
      allow: ['GET'],
    });
  });
});

describe('request bodies cannot reach object prototypes', () => {
  it('keeps a JSON `__proto__` key as a plain field', () => {
    const parsed = parseJson('{"__proto__": {"admin": "true"}, "name": "n"}') as Record<
      string,
      unknown
    >;
    expect(Object.getPrototypeOf(parsed)).toBeNull();
    expect((parsed as { admin?: unknown }).admin).toBeUndefined();
    expect(Object.keys(parsed)).toEqual(['__proto__', 'name']);
  });

  it('never turns an XML `__proto__` element into a prototype', () => {
    const parsed = parseXml(
      '<network><__proto__><admin>true</admin></__proto__><name>n</name></network>',
      'network',
    ) as Record<string, unknown>;
    const network = parsed.network as Record<string, unknown> | undefined;
    const body = network ?? parsed;
    expect((body as { admin?: unknown }).admin).toBeUndefined();
    expect(Object.getPrototypeOf(body)).toBeNull();
  });
});
