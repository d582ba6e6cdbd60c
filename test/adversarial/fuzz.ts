// SPDX-License-Identifier: Apache-2.0
/**
 * A bounded, seeded fuzzer over every route of the oVirt router, against a real engine on a
 * temp data dir (test/functional/support.ts). Target of issue 10: no request ever gets a 5xx.
 *
 * 1. Every route without credentials must answer 401.
 * 2. `count` requests, each a random route (the route table comes from the router itself, so
 *    new route files are fuzzed without touching this file) with a random method now and then,
 *    path ids that are real, random or hostile, random query strings (search included),
 *    hostile headers and bodies: hostile names (unicode, control characters, 10k strings,
 *    `../`), XML entity bombs, deep nesting, truncated and wrong-root documents, invalid
 *    UTF-8, huge/NaN/negative numbers, and content types oVirt does not accept.
 *
 * Safety on a shared host: the fuzzer never names a real host NIC (only random ids and
 * hostile names), so it cannot bridge the machine's uplink; names it means to be valid carry
 * the run prefix. Everything it created is removed through the API at the end.
 */
import { buildOvirtRouter } from '../../main/api/ovirt/routes';
import { API, type Appliance, startAppliance, uniqueName } from '../functional/support';
import { basic, type Client, makeClient, prng, type Received, type Sent } from './client';
import type { Part, PartResult } from './types';

type Rng = () => number;

const pick = <T>(rng: Rng, list: readonly T[]): T => {
  if (list.length === 0) throw new Error('pick from an empty list');
  return list[Math.floor(rng() * list.length)] as T;
};

/** Strings that have broken parsers, validators and shells somewhere. */
const HOSTILE: readonly string[] = [
  '',
  ' ',
  '../../../../etc/passwd',
  '..%2F..%2Fetc',
  '%00',
  '\u0000',
  '\u0001\u0002\u001b[31m',
  '\r\nX-Injected: 1',
  '\u202egnp.exe',
  '\ud83d\ude00'.repeat(50),
  'ｆｕｌｌｗｉｄｔｈ',
  'Ω≈ç√∫˜µ≤≥÷',
  'a'.repeat(10_000),
  '<script>alert(1)</script>',
  '&amp;&lt;&#0;&#xD800;',
  ']]>',
  "' OR '1'='1' --",
  '"; DROP TABLE networks; --',
  '${jndi:ldap://x/a}',
  '%s%s%n',
  '$(reboot)',
  '`id`',
  'NaN',
  'Infinity',
  '-1',
  '-0',
  '0',
  '1e309',
  '99999999999999999999999999',
  '-9223372036854775809',
  '0x7fffffff',
  '1.5',
  'null',
  'undefined',
  'true',
  '__proto__',
  'constructor',
  'prototype',
  'ovirtmgmt',
  'Default',
  '*',
  'name=*',
  '\\',
  '/',
  '//',
  '?',
  '#',
];

const QUERY_KEYS = [
  'search',
  'max',
  'follow',
  'all_content',
  'accept',
  'correlation_id',
  'from',
  'case_sensitive',
  'async',
  'force',
  'detach_only',
  'filter',
  'current',
  'access_token',
  '__proto__',
];

const SEARCHES = [
  'name=*',
  'name=Default',
  'name="a b"',
  'status=up and name=x*',
  'datacenter=Default',
  'name=',
  '=',
  'and or',
  'name=(',
  'id=00000000-0000-0000-0000-000000000000',
  'sortby name desc',
  'page 1',
  'name=' + '*'.repeat(500),
  'cluster.name=Default',
];

const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD'];

const CONTENT_TYPES = [
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/octet-stream',
  'application/xml; charset=iso-8859-1',
  'application/json; charset=utf-8',
  'text/xml',
  'application/*',
  '*/*',
  ';;;',
  'application/xml, application/json',
];

/** Element name of a route's body, from its last literal segment. */
function rootOf(pattern: string, method: string): string {
  const lits = pattern.split('/').filter((s) => s !== '' && !/^[:~]/.test(s));
  const last = lits[lits.length - 1] ?? '';
  const entity: Record<string, string> = {
    networks: 'network',
    vnicprofiles: 'vnic_profile',
    networkattachments: 'network_attachment',
    networklabels: 'network_label',
    nics: 'nic',
    vms: 'vm',
    clusters: 'cluster',
    datacenters: 'data_center',
    hosts: 'host',
  };
  const root = entity[last];
  if (root !== undefined) return root;
  return method === 'POST' ? 'action' : 'network';
}

function randomUuid(rng: Rng): string {
  const hex = (n: number): string =>
    Array.from({ length: n }, () => Math.floor(rng() * 16).toString(16)).join('');
  return `${hex(8)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${hex(12)}`;
}

function hostileString(rng: Rng): string {
  const r = rng();
  if (r < 0.6) return pick(rng, HOSTILE);
  if (r < 0.8) {
    // Random code points, surrogates and controls included.
    return Array.from({ length: 1 + Math.floor(rng() * 40) }, () =>
      String.fromCharCode(Math.floor(rng() * 0x10000)),
    ).join('');
  }
  return pick(rng, HOSTILE) + pick(rng, HOSTILE);
}

/** Path segment: encodeURIComponent, or raw bytes when the text has a lone surrogate. */
function segment(text: string): string {
  try {
    return encodeURIComponent(text);
  } catch {
    return '%ED%A0%80' + text.length.toString();
  }
}

function hostileNumber(rng: Rng): string {
  return pick(rng, [
    '-1',
    '0',
    '1500',
    '9000',
    '65536',
    '4294967296',
    '1e309',
    'NaN',
    '-Infinity',
    '99999999999999999999999999999999',
    '1.5',
    '0x10',
    ' 12 ',
    '',
    '-9007199254740993',
    '１２',
  ]);
}

interface Pool {
  readonly ids: Record<string, string[]>;
  readonly names: string[];
}

function escapeXml(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

/** A document value: mostly plausible, often hostile. */
function value(rng: Rng, kind: 'name' | 'text' | 'number' | 'bool' | 'id', pool: Pool): string {
  const r = rng();
  switch (kind) {
    case 'name':
      return r < 0.35 ? uniqueName('fz') : r < 0.45 ? pick(rng, pool.names) : hostileString(rng);
    case 'text':
      return r < 0.3 ? 'fuzzed' : hostileString(rng);
    case 'number':
      return hostileNumber(rng);
    case 'bool':
      return pick(rng, ['true', 'false', '1', '0', 'yes', '', 'TRUE', 'null']);
    case 'id':
      return r < 0.5
        ? pick(rng, [
            ...(pool.ids.network ?? []),
            ...(pool.ids.cluster ?? []),
            ...(pool.ids.dc ?? []),
          ])
        : r < 0.7
          ? randomUuid(rng)
          : hostileString(rng);
  }
}

type Tree = { [key: string]: string | Tree | Tree[] | string[] };

/** A random document: fields an oVirt entity or action might carry, with random values. */
function randomTree(rng: Rng, pool: Pool): Tree {
  const t: Tree = {};
  const fields: [string, () => string | Tree | Tree[] | string[]][] = [
    ['name', () => value(rng, 'name', pool)],
    ['description', () => value(rng, 'text', pool)],
    ['comment', () => value(rng, 'text', pool)],
    ['mtu', () => value(rng, 'number', pool)],
    ['isolated', () => value(rng, 'bool', pool)],
    ['required', () => value(rng, 'bool', pool)],
    ['stp', () => value(rng, 'bool', pool)],
    ['vlan', () => ({ id: value(rng, 'number', pool) })],
    ['usages', () => ({ usage: [pick(rng, ['vm', 'display', 'migration', 'gluster', 'x', ''])] })],
    [
      'data_center',
      () =>
        rng() < 0.5
          ? { id: value(rng, 'id', pool) }
          : { name: pick(rng, ['Default', hostileString(rng)]) },
    ],
    [
      'cluster',
      () =>
        rng() < 0.5
          ? { id: value(rng, 'id', pool) }
          : { name: pick(rng, ['Default', hostileString(rng)]) },
    ],
    [
      'network',
      () => (rng() < 0.5 ? { id: value(rng, 'id', pool) } : { name: value(rng, 'name', pool) }),
    ],
    // Never a real NIC: random ids and hostile names only (see the file comment).
    ['host_nic', () => (rng() < 0.5 ? { id: randomUuid(rng) } : { name: hostileString(rng) })],
    ['id', () => value(rng, 'id', pool)],
    ['memory', () => value(rng, 'number', pool)],
    ['template', () => ({ name: pick(rng, ['Blank', 'tiny', hostileString(rng)]) })],
    [
      'cpu',
      () => ({
        topology: { sockets: value(rng, 'number', pool), cores: value(rng, 'number', pool) },
      }),
    ],
    ['interface', () => pick(rng, ['virtio', 'e1000', 'rtl8139', hostileString(rng)])],
    ['vnic_profile', () => ({ id: value(rng, 'id', pool) })],
    ['check_connectivity', () => value(rng, 'bool', pool)],
    ['connectivity_timeout', () => value(rng, 'number', pool)],
    ['commit_on_success', () => value(rng, 'bool', pool)],
    ['force', () => value(rng, 'bool', pool)],
    ['async', () => value(rng, 'bool', pool)],
    [
      'modified_network_attachments',
      () => ({ network_attachment: [{ network: { id: value(rng, 'id', pool) } }] }),
    ],
    [
      'removed_network_attachments',
      () => ({ network_attachment: [{ id: value(rng, 'id', pool) }] }),
    ],
    ['modified_labels', () => ({ network_label: [{ id: value(rng, 'text', pool) }] })],
    [
      'ip_address_assignments',
      () => ({ ip_address_assignment: [{ assignment_method: hostileString(rng) }] }),
    ],
    ['port_mirroring', () => value(rng, 'bool', pool)],
    ['pass_through', () => ({ mode: pick(rng, ['enabled', 'disabled', hostileString(rng)]) })],
    [hostileString(rng).replace(/[^A-Za-z_]/g, '') || 'unknown_field', () => hostileString(rng)],
  ];
  const n = 1 + Math.floor(rng() * 6);
  for (let i = 0; i < n; i++) {
    const [key, make] = pick(rng, fields);
    t[key] = make();
  }
  return t;
}

function toXml(name: string, v: string | Tree | Tree[] | string[]): string {
  if (Array.isArray(v)) return v.map((x) => toXml(name, x)).join('');
  if (typeof v === 'string') return `<${name}>${escapeXml(v)}</${name}>`;
  const inner = Object.entries(v)
    .map(([k, c]) => toXml(k, c))
    .join('');
  return `<${name}>${inner}</${name}>`;
}

/** JSON as oVirt clients write it: no root name. */
function toJson(v: Tree): string {
  return JSON.stringify(v);
}

interface Body {
  readonly body: Buffer | string;
  readonly type: string | undefined;
  readonly kind: string;
}

/** A request body for `root`: plausible, malformed, nested, bombs, bytes or a wrong type. */
function randomBody(rng: Rng, root: string, pool: Pool): Body {
  const tree = randomTree(rng, pool);
  const xml = toXml(root, tree);
  const r = rng();
  let out: Body;
  if (r < 0.35) out = { body: xml, type: 'application/xml', kind: 'xml' };
  else if (r < 0.55) out = { body: toJson(tree), type: 'application/json', kind: 'json' };
  else if (r < 0.62) {
    const cut = Math.floor(rng() * xml.length);
    out = { body: xml.slice(0, cut), type: 'application/xml', kind: 'truncated-xml' };
  } else if (r < 0.66) {
    const json = toJson(tree);
    out = {
      body: json.slice(0, Math.floor(rng() * json.length)),
      type: 'application/json',
      kind: 'truncated-json',
    };
  } else if (r < 0.7) {
    const d = pick(rng, [65, 500, 5_000, 20_000]);
    out = {
      body: `<${root}>${'<a>'.repeat(d)}${'</a>'.repeat(d)}</${root}>`,
      type: 'application/xml',
      kind: `xml-depth-${d}`,
    };
  } else if (r < 0.74) {
    const d = pick(rng, [65, 500, 10_000, 50_000]);
    const arrays = rng() < 0.5;
    const body = arrays
      ? `{"name":${'['.repeat(d)}${']'.repeat(d)}}`
      : `${'{"a":'.repeat(d)}1${'}'.repeat(d)}`;
    out = { body, type: 'application/json', kind: `json-depth-${d}` };
  } else if (r < 0.77) {
    const bomb =
      '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>' +
      `<${root}><name>&lol3;</name></${root}>`;
    out = { body: bomb, type: 'application/xml', kind: 'entity-bomb' };
  } else if (r < 0.79) {
    out = {
      body: `<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/shadow">]><${root}><name>&e;</name></${root}>`,
      type: 'application/xml',
      kind: 'xxe',
    };
  } else if (r < 0.82) {
    out = {
      body: toXml(pick(rng, ['vm', 'network', 'action', 'fault', 'x']), tree),
      type: 'application/xml',
      kind: 'wrong-root',
    };
  } else if (r < 0.85) {
    const bytes = Buffer.alloc(1 + Math.floor(rng() * 200));
    for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(rng() * 256);
    out = {
      body: Buffer.concat([
        Buffer.from(`<${root}><name>`),
        bytes,
        Buffer.from(`</name></${root}>`),
      ]),
      type: 'application/xml',
      kind: 'bytes',
    };
  } else if (r < 0.88) {
    out = { body: '', type: pick(rng, ['application/xml', undefined]), kind: 'empty' };
  } else if (r < 0.9) {
    out = {
      body: pick(rng, [
        '[]',
        '"x"',
        '1',
        'null',
        '{"__proto__":{"admin":true}}',
        '{"name":{"value":1}}',
        '{"a":1e400}',
        '{"name":"\\ud800"}',
      ]),
      type: 'application/json',
      kind: 'json-odd',
    };
  } else {
    out = {
      body: rng() < 0.5 ? xml : toJson(tree),
      type: pick(rng, [...CONTENT_TYPES, undefined]),
      kind: 'content-type',
    };
  }
  return out;
}

interface RouteInfo {
  readonly method: string;
  readonly pattern: string;
}

/** Fills a route pattern: real ids, random UUIDs or hostile text per parameter. */
function fillPath(rng: Rng, pattern: string, pool: Pool, hostile: boolean): string {
  const parts = pattern.split('/').filter((s) => s !== '');
  let prev = '';
  const out = parts.map((p) => {
    if (!/^[:~]/.test(p)) {
      prev = p;
      return p;
    }
    const r = rng();
    if (hostile && r < 0.25) return segment(hostileString(rng));
    if (r < 0.2) return randomUuid(rng);
    // The fuzzer's VM is never started (a TCG boot would load the shared machine), and a
    // host NIC id is never real (see the file comment): those get random ids.
    if (pattern.endsWith('/start') && prev === 'vms') return randomUuid(rng);
    // Nor does it run the isolation self-test for real (probes on the segment, ~10 s each).
    if (pattern.endsWith('/isolationtest')) return randomUuid(rng);
    if (prev === 'nics' && !pattern.startsWith('/vms/')) return randomUuid(rng);
    const kind =
      {
        nics: 'vmnic',
        datacenters: 'dc',
        clusters: 'cluster',
        hosts: 'host',
        networks: 'network',
        vms: 'vm',
        vnicprofiles: 'profile',
        networklabels: 'label',
        events: 'event',
      }[prev] ?? '';
    const real = pool.ids[kind] ?? [];
    return real.length > 0 ? segment(pick(rng, real)) : randomUuid(rng);
  });
  let path = `/${out.join('/')}`;
  const r = rng();
  if (r < 0.1) path = `/v4${path}`;
  else if (r < 0.13) path = `${path}/`;
  else if (r < 0.15) path = path.replace(/\//g, '//');
  else if (r < 0.17) path = `/v3${path}`;
  else if (r < 0.19) path = `${path}/%2e%2e/%2e%2e`;
  return path === '/' ? '' : path;
}

/** A route pattern with real ids (or a fixed UUID) and no variations. */
function plainPath(pattern: string, pool: Pool): string {
  const path = pattern.replace(/[:~][a-z]+/gi, (_m, offset: number) => {
    const prev = pattern.slice(0, offset).split('/').filter(Boolean).pop() ?? '';
    const kind = (
      { networks: 'network', hosts: 'host', clusters: 'cluster', datacenters: 'dc' } as Record<
        string,
        string
      >
    )[prev];
    return (kind && pool.ids[kind]?.[0]) ?? '11111111-1111-4111-a111-111111111111';
  });
  return path === '/' ? '' : path;
}

/** Header values node will send (visible ASCII); what it refuses never reaches the server. */
function headerSafe(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, '?');
}

function randomQuery(rng: Rng): string {
  if (rng() < 0.6) return '';
  const n = 1 + Math.floor(rng() * 3);
  const params: string[] = [];
  for (let i = 0; i < n; i++) {
    const key = pick(rng, QUERY_KEYS);
    const val =
      key === 'search'
        ? rng() < 0.6
          ? pick(rng, SEARCHES)
          : hostileString(rng)
        : key === 'max'
          ? hostileNumber(rng)
          : hostileString(rng);
    params.push(`${segment(key)}=${segment(val)}`);
  }
  if (rng() < 0.05) params.push('%zz=%', '&&&', '=x');
  return `?${params.join('&')}`;
}

interface Fuzzed {
  readonly sent: Sent;
  readonly note: string;
}

function makeRequest(rng: Rng, routes: readonly RouteInfo[], pool: Pool, bearer: string): Fuzzed {
  const route = pick(rng, routes);
  const method = rng() < 0.85 ? route.method : pick(rng, METHODS);
  const hostile = rng() < 0.5;
  const path = `${API}${fillPath(rng, route.pattern, pool, hostile)}${randomQuery(rng)}`;
  const headers: Record<string, string> = { Authorization: `Bearer ${bearer}` };
  const r = rng();
  if (r < 0.3) headers.Accept = 'application/json';
  else if (r < 0.4)
    headers.Accept = pick(rng, [
      '*/*',
      'text/html',
      'application/json;q=abc',
      ',,,',
      'application/xml;q=0.1, application/json;q=0.2',
    ]);
  if (rng() < 0.05) headers.Version = pick(rng, ['3', '4', 'x', '']);
  if (rng() < 0.05) headers.Prefer = pick(rng, ['persistent-auth', 'new-auth', 'x']);
  if (rng() < 0.03) headers['Session-TTL'] = headerSafe(hostileNumber(rng));
  if (rng() < 0.03)
    headers.Authorization = pick(rng, [
      'Bearer ',
      'Bearer x',
      'Basic',
      'Basic !!!',
      'Negotiate x',
      basic('admin@internal', 'wrong'),
    ]);
  if (rng() < 0.02) headers.Expect = pick(rng, ['201-created', '202-accepted']);
  if (rng() < 0.02) headers['Correlation-Id'] = hostileString(rng).replace(/[^\x20-\x7e]/g, '');
  let body: Body | undefined;
  const wantsBody = ['POST', 'PUT', 'PATCH'].includes(method) || rng() < 0.05;
  if (wantsBody) {
    body = randomBody(rng, rootOf(route.pattern, method), pool);
    if (body.type !== undefined) headers['Content-Type'] = body.type;
    headers['Content-Length'] = String(Buffer.byteLength(body.body));
  } else if (rng() < 0.3) {
    // The Python SDK sends Content-Type: application/xml even on GET and DELETE.
    headers['Content-Type'] = 'application/xml';
  }
  const note = `${route.method} ${route.pattern}${body ? ` body=${body.kind}` : ''}`;
  return { sent: { method, path, headers, ...(body ? { body: body.body } : {}) }, note };
}

function describeRequest(f: Fuzzed, got: Received | Error): string {
  const body =
    f.sent.body === undefined
      ? ''
      : ` body(${f.sent.headers['Content-Type'] ?? 'no type'}, ${Buffer.byteLength(f.sent.body)} B)=${JSON.stringify(String(f.sent.body).slice(0, 160))}`;
  const answer =
    got instanceof Error
      ? `transport error: ${got.message}`
      : `${got.status} ${got.text.slice(0, 200).replace(/\s+/g, ' ')}`;
  return `${f.sent.method} ${f.sent.path.slice(0, 200)}${body} [${f.note}] → ${answer}`;
}

async function json(
  client: Client,
  bearer: string,
  path: string,
): Promise<Record<string, unknown>> {
  const r = await client.send({
    method: 'GET',
    path: `${API}${path}`,
    headers: { Authorization: `Bearer ${bearer}`, Accept: 'application/json' },
  });
  if (r.status !== 200) throw new Error(`GET ${path}: ${r.status} ${r.text}`);
  return JSON.parse(r.text) as Record<string, unknown>;
}

function idsOf(doc: Record<string, unknown>, item: string): string[] {
  const list = doc[item];
  return Array.isArray(list) ? list.map((x) => String((x as { id?: unknown }).id)) : [];
}

/** What exists before the fuzzer runs: ids for paths, and the baseline for cleanup. */
async function collectPool(client: Client, bearer: string): Promise<Pool> {
  const dcs = idsOf(await json(client, bearer, '/datacenters'), 'data_center');
  const clusters = idsOf(await json(client, bearer, '/clusters'), 'cluster');
  const hosts = idsOf(await json(client, bearer, '/hosts'), 'host');
  const profiles = idsOf(await json(client, bearer, '/vnicprofiles'), 'vnic_profile');
  // One network of our own, so that network sub-resources are reached with a real id.
  const name = uniqueName('fz');
  const add = await client.send({
    method: 'POST',
    path: `${API}/networks`,
    headers: {
      Authorization: `Bearer ${bearer}`,
      'Content-Type': 'application/xml',
      Accept: 'application/json',
    },
    body: `<network><name>${name}</name><data_center id="${dcs[0] ?? ''}"/></network>`,
  });
  if (add.status !== 201)
    throw new Error(`cannot add the fuzzer's network: ${add.status} ${add.text}`);
  const network = (JSON.parse(add.text) as { id: string }).id;
  const headers = {
    Authorization: `Bearer ${bearer}`,
    'Content-Type': 'application/xml',
    Accept: 'application/json',
  };
  await client.send({
    method: 'POST',
    path: `${API}/networks/${network}/networklabels`,
    headers,
    body: '<network_label id="fzlabel"/>',
  });
  // A VM (never started) with a NIC, so that VM sub-resources are reached with real ids.
  const vms: string[] = [];
  const vmNics: string[] = [];
  const vm = await client.send({
    method: 'POST',
    path: `${API}/vms`,
    headers,
    body: `<vm><name>${uniqueName('fzvm')}</name><cluster><name>Default</name></cluster><template><name>Blank</name></template></vm>`,
  });
  if (vm.status !== 201) {
    throw new Error(`cannot add the fuzzer's VM: ${vm.status} ${vm.text.slice(0, 300)}`);
  }
  {
    const vmId = (JSON.parse(vm.text) as { id: string }).id;
    vms.push(vmId);
    const nic = await client.send({
      method: 'POST',
      path: `${API}/vms/${vmId}/nics`,
      headers,
      body: `<nic><name>nic1</name><interface>virtio</interface><vnic_profile id="${profiles[0] ?? ''}"/></nic>`,
    });
    if (nic.status === 201) vmNics.push((JSON.parse(nic.text) as { id: string }).id);
  }
  return {
    ids: {
      vm: vms,
      vmnic: vmNics,
      dc: dcs,
      cluster: clusters,
      host: hosts,
      network: [network],
      profile: profiles,
      label: ['fzlabel'],
      event: ['1', '0', '-1'],
    },
    names: [name, 'Default'],
  };
}

/** Removes every network and VM that was not there before (detaching first). */
async function cleanup(
  client: Client,
  bearer: string,
  keepNetworks: Set<string>,
  keepVms: Set<string>,
  log: (s: string) => void,
): Promise<number> {
  const auth = { Authorization: `Bearer ${bearer}`, Accept: 'application/json' };
  const del = (path: string): Promise<Received> =>
    client.send({ method: 'DELETE', path: `${API}${path}`, headers: auth });
  const networks = idsOf(await json(client, bearer, '/networks'), 'network').filter(
    (id) => !keepNetworks.has(id),
  );
  const hosts = idsOf(await json(client, bearer, '/hosts'), 'host');
  for (const host of hosts) {
    const atts = (await json(client, bearer, `/hosts/${host}/networkattachments`))
      .network_attachment;
    for (const att of Array.isArray(atts)
      ? (atts as { id: string; network?: { id?: string } }[])
      : []) {
      if (att.network?.id !== undefined && !keepNetworks.has(att.network.id))
        await del(`/hosts/${host}/networkattachments/${att.id}`);
    }
  }
  for (const cluster of idsOf(await json(client, bearer, '/clusters'), 'cluster')) {
    for (const id of idsOf(
      await json(client, bearer, `/clusters/${cluster}/networks`),
      'network',
    )) {
      if (!keepNetworks.has(id)) await del(`/clusters/${cluster}/networks/${id}`);
    }
  }
  const vms = idsOf(await json(client, bearer, '/vms'), 'vm').filter((id) => !keepVms.has(id));
  for (const vm of vms) {
    await client.send({
      method: 'POST',
      path: `${API}/vms/${vm}/stop`,
      headers: { ...auth, 'Content-Type': 'application/xml' },
      body: '<action/>',
    });
    await del(`/vms/${vm}`);
  }
  let left = 0;
  for (const id of networks) {
    const r = await del(`/networks/${id}`);
    if (r.status !== 200) {
      left += 1;
      log(`cleanup: network ${id} not removed: ${r.status} ${r.text.slice(0, 200)}`);
    }
  }
  return left;
}

export interface FuzzOptions {
  readonly full: boolean;
  readonly seed: number;
  readonly log: (s: string) => void;
  /** Requests in the random phase (default 10,000 full, 300 short). */
  readonly count?: number;
  /** Requests in flight at once (default 4). */
  readonly parallel?: number;
  /** An already started appliance (the caller stops it); else one is started and stopped. */
  readonly appliance?: Appliance;
}

/** The fuzz part (see the file comment). */
export async function fuzz(opts: FuzzOptions): Promise<PartResult> {
  const { seed, log } = opts;
  const count = opts.count ?? (opts.full ? 10_000 : 300);
  const parallel = opts.parallel ?? 4;
  const rng = prng(seed);
  const routes = buildOvirtRouter('fuzz').list();
  log(`seed ${seed}: ${routes.length} routes, ${count} fuzzed requests, ${parallel} in flight`);
  const own = opts.appliance === undefined;
  const appliance = opts.appliance ?? (await startAppliance());
  const client = makeClient(appliance.origin, parallel + 1);
  const failures: string[] = [];
  const statuses = new Map<number, number>();
  let transport = 0;
  let slowest = 0;
  const started = performance.now();
  try {
    const bearer = await appliance.token();
    const baselineNetworks = new Set(idsOf(await json(client, bearer, '/networks'), 'network'));
    const baselineVms = new Set(idsOf(await json(client, bearer, '/vms'), 'vm'));
    const pool = await collectPool(client, bearer);

    // 1. No credentials: every route, 401.
    let unauthenticated = 0;
    for (const route of routes) {
      const path = `${API}${plainPath(route.pattern, pool)}`;
      const r = await client.send({
        method: route.method,
        path,
        headers: { 'Content-Type': 'application/xml' },
        ...(route.method === 'GET' || route.method === 'DELETE' ? {} : { body: '<action/>' }),
      });
      unauthenticated += 1;
      if (r.status !== 401)
        failures.push(`unauthenticated ${route.method} ${path} → ${r.status} (expected 401)`);
    }
    log(`unauthenticated: ${unauthenticated} routes checked`);

    // 2. Fuzzed requests, `parallel` at a time; requests are drawn in order from the seed.
    const requests: Fuzzed[] = Array.from({ length: count }, () =>
      makeRequest(rng, routes, pool, bearer),
    );
    let next = 0;
    let done = 0;
    const worker = async (): Promise<void> => {
      for (;;) {
        const i = next++;
        const f = requests[i];
        if (f === undefined) return;
        try {
          const r = await client.send(f.sent);
          slowest = Math.max(slowest, r.ms);
          statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
          if (r.status >= 500) failures.push(`#${i} ${describeRequest(f, r)}`);
        } catch (err) {
          transport += 1;
          failures.push(`#${i} ${describeRequest(f, err as Error)}`);
        }
        done += 1;
        if (done % 1000 === 0) log(`${done}/${count} requests`);
      }
    };
    await Promise.all(Array.from({ length: parallel }, worker));
    const left = await cleanup(client, bearer, baselineNetworks, baselineVms, log);
    if (left > 0) failures.push(`${left} fuzzed networks could not be removed`);
    const seconds = (performance.now() - started) / 1000;
    const fivexx = [...statuses].filter(([s]) => s >= 500).reduce((n, [, c]) => n + c, 0);
    const figures: Record<string, number | string> = {
      seed,
      routes: routes.length,
      'unauthenticated checked': unauthenticated,
      requests: count,
      '5xx': fivexx,
      'transport errors': transport,
      'slowest ms': Math.round(slowest),
      seconds: Math.round(seconds),
    };
    for (const [status, n] of [...statuses].sort((x, y) => x[0] - y[0]))
      figures[`HTTP ${status}`] = n;
    return { name: 'fuzz', figures, failures };
  } finally {
    client.close();
    if (own) await appliance.stop();
  }
}

export const runFuzz: Part = (opts) => fuzz(opts);
