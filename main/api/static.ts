// SPDX-License-Identifier: Apache-2.0
/**
 * Serves the web UI build (dist/renderer) at `/`, with a strict CSP. Unknown paths without a
 * file extension get index.html (client-side routes). When the build is missing, a short
 * page says how to build it.
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';

import { send } from './http';

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.map': 'application/json',
};

/** The UI talks only to its own origin (RPC + SSE), so everything is `'self'`. */
export const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
  "font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

const SECURITY_HEADERS = {
  'Content-Security-Policy': CSP,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
};

const MISSING = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>aio-lab</title></head>
<body><h1>The web UI is not built</h1><p>Run <code>npm run build:renderer</code> and reload.
The REST API is available at <a href="/ovirt-engine/api">/ovirt-engine/api</a>.</p></body></html>`;

/** Serves one static request (GET/HEAD only). */
export function serveStatic(root: string, req: IncomingMessage, res: ServerResponse): void {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    send(req, res, 405, { Allow: 'GET, HEAD', ...SECURITY_HEADERS });
    return;
  }
  const index = join(root, 'index.html');
  if (!existsSync(index)) {
    send(
      req,
      res,
      200,
      { 'Content-Type': 'text/html; charset=utf-8', ...SECURITY_HEADERS },
      MISSING,
    );
    return;
  }
  let pathname: string;
  try {
    pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
  } catch {
    send(req, res, 400, SECURITY_HEADERS);
    return;
  }
  const target = normalize(join(root, pathname));
  let file = index;
  if (target.startsWith(root + sep) && existsSync(target) && statSync(target).isFile()) {
    file = target;
  } else if (extname(pathname) !== '') {
    send(req, res, 404, { 'Content-Type': 'text/plain', ...SECURITY_HEADERS }, 'Not found\n');
    return;
  }
  const size = statSync(file).size;
  res.writeHead(200, {
    'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
    'Content-Length': String(size),
    'Cache-Control': file === index ? 'no-cache' : 'public, max-age=3600',
    ...SECURITY_HEADERS,
  });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  createReadStream(file).pipe(res);
}
