// SPDX-License-Identifier: Apache-2.0
/**
 * The names this server answers to. A browser tricked by DNS rebinding sends requests for
 * `evil.example` to our address with `Host: evil.example`; refusing every Host that is not
 * one of our own names makes such pages unable to read or drive the API. The same names decide
 * which `Origin` a state-changing request may come from, and absolute URLs (the root `Link`
 * header) are built from a checked name only, never from whatever the client sent.
 *
 * Trusted: loopback names (`localhost`, 127.0.0.0/8, `::1`), the listen address, and the
 * names given by configuration (`ApiServerOptions.hostnames`, `AIO_API_HOSTNAMES`). When the
 * server listens on every address (0.0.0.0 or ::, TLS only), the machine's own addresses and
 * host name are trusted too.
 */
import { hostname, networkInterfaces } from 'node:os';

/** Lower-cased host name of a `Host`/`Origin` authority, without port, brackets or final dot. */
export function hostnameOf(authority: string): string | null {
  const a = authority.trim().toLowerCase();
  if (a === '') return null;
  let host: string;
  if (a.startsWith('[')) {
    const end = a.indexOf(']');
    if (end < 0) return null;
    host = a.slice(1, end);
    const rest = a.slice(end + 1);
    if (rest !== '' && !/^:\d{1,5}$/.test(rest)) return null;
  } else {
    const colon = a.lastIndexOf(':');
    host = colon < 0 ? a : a.slice(0, colon);
    const port = colon < 0 ? '' : a.slice(colon + 1);
    if (colon >= 0 && !/^\d{1,5}$/.test(port)) return null;
  }
  host = host.replace(/\.$/, '');
  return /^[a-z0-9.:_-]+$/.test(host) ? host : null;
}

function isLoopbackName(host: string): boolean {
  return (
    host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host)
  );
}

function isWildcard(address: string): boolean {
  return address === '0.0.0.0' || address === '::' || address === '';
}

/** Names from `AIO_API_HOSTNAMES` (comma or space separated). */
export function hostnamesFromEnv(env: NodeJS.ProcessEnv = process.env): string[] {
  return (env.AIO_API_HOSTNAMES ?? '').split(/[\s,]+/).filter((s) => s !== '');
}

export class TrustedHosts {
  private readonly names = new Set<string>();
  private listenAddress = '127.0.0.1';
  private port = 0;
  private tls = false;

  constructor(configured: readonly string[] = []) {
    for (const name of configured) {
      const h = hostnameOf(name);
      if (h !== null) this.names.add(h);
    }
  }

  /** Records where the server listens (called once it is bound). */
  listening(address: string, port: number, tls: boolean): void {
    this.listenAddress = address.toLowerCase();
    this.port = port;
    this.tls = tls;
    this.names.add(this.listenAddress);
    if (isWildcard(this.listenAddress)) {
      this.names.add(hostname().toLowerCase());
      for (const list of Object.values(networkInterfaces())) {
        for (const a of list ?? []) this.names.add(a.address.toLowerCase());
      }
    }
  }

  /** True when `host` (a bare host name) is one of ours. */
  trusts(host: string): boolean {
    return isLoopbackName(host) || this.names.has(host);
  }

  /**
   * Checks a request's `Host` header. A request without one (HTTP/1.0) cannot come from a
   * browser and is accepted.
   */
  checkHostHeader(header: string | undefined): boolean {
    if (header === undefined) return true;
    const host = hostnameOf(header);
    return host !== null && this.trusts(host);
  }

  /**
   * Checks an `Origin` header of a state-changing request: absent (not a browser, or a
   * same-origin GET), or a URL whose host is one of ours. `null` (sandboxed pages, files) is
   * refused.
   */
  checkOrigin(header: string | undefined): boolean {
    if (header === undefined) return true;
    let url: URL;
    try {
      url = new URL(header);
    } catch {
      return false;
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
    const host = hostnameOf(url.host);
    return host !== null && this.trusts(host);
  }

  /**
   * The origin absolute URLs are built from: the request's Host when it is one of ours
   * (rebuilt from the parsed name and the port we listen on), else the listen address.
   */
  origin(hostHeader: string | undefined): string {
    const scheme = this.tls ? 'https' : 'http';
    const checked = hostHeader === undefined ? null : hostnameOf(hostHeader);
    let host = checked !== null && this.trusts(checked) ? checked : this.listenAddress;
    if (isWildcard(host)) host = '127.0.0.1';
    const shown = host.includes(':') ? `[${host}]` : host;
    return `${scheme}://${shown}${this.port > 0 ? `:${this.port}` : ''}`;
  }
}
