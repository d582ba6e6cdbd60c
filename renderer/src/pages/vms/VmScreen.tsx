// SPDX-License-Identifier: Apache-2.0
// The VM's screen (issue 16): noVNC over the engine's WebSocket. A one-time ticket from
// SetVmTicket (oVirt's graphicsconsoles ticket) opens the WebSocket once and is also the VNC
// password; the VNC port itself listens on the host's loopback only.
import RFB from '@novnc/novnc';
import { Alert, Button, Checkbox, TextInput } from '@patternfly/react-core';
import { useEffect, useRef, useState } from 'react';

import { useClient } from '../../context';

/** WebSocket path of the engine's screen proxy (main/api/graphics/ws-proxy.ts). */
const WS_PATH = '/ovirt-engine/services/graphics/';
/**
 * The ticket only has to last until the WebSocket opens; it is spent by that one connection.
 * oVirt's default (120 s) leaves room for a slow host, where setting it can itself take seconds.
 */
const TICKET_SECONDS = 120;
/**
 * A connection that ends before it was ever up (the VM just started, a busy host) is retried
 * with a fresh ticket this many times, after 2, 4, 6… s, before the user is asked.
 */
const AUTO_RETRIES = 4;

/**
 * The engine serves the WebSocket over HTTP(S); an Electron window (file://) has no HTTP origin,
 * so there the main process's loopback listener (exposed by the preload) serves it.
 */
function wsBase(): string | null {
  const { protocol, host } = window.location;
  if (protocol !== 'http:' && protocol !== 'https:') return window.aio?.graphicsUrl ?? null;
  return `${protocol === 'https:' ? 'wss:' : 'ws:'}//${host}${WS_PATH}`;
}

export function VmScreen({ vmId, running }: { vmId: string; running: boolean }) {
  const client = useClient();
  const box = useRef<HTMLDivElement>(null);
  const rfb = useRef<RFB | null>(null);
  const [state, setState] = useState<'connecting' | 'connected' | 'closed'>('connecting');
  const [message, setMessage] = useState<string | null>(null);
  const [attempt, setAttempt] = useState(0);
  const retries = useRef(0);
  const [scale, setScale] = useState(true);
  const [paste, setPaste] = useState('');
  const base = wsBase();

  useEffect(() => {
    const el = box.current;
    if (!el || !running || base === null) return;
    let disposed = false;
    let retry: ReturnType<typeof setTimeout> | null = null;
    let everUp = false;
    setState('connecting');
    /** Retry a connection that never came up, or tell the user why it ended. */
    const ended = (why: string) => {
      if (disposed) return;
      if (!everUp && retries.current < AUTO_RETRIES) {
        retries.current += 1;
        setMessage(`${why} Retrying (${retries.current} of ${AUTO_RETRIES})…`);
        retry = setTimeout(() => {
          setAttempt((n) => n + 1);
        }, 2000 * retries.current);
        return;
      }
      setState('closed');
      setMessage(why);
    };
    client.invoke('SetVmTicket', { id: vmId, expiry: TICKET_SECONDS }).then(
      (ticket) => {
        if (disposed) return;
        const r = new RFB(el, `${base}${encodeURIComponent(ticket.value)}`, {
          credentials: { password: ticket.value },
          wsProtocols: ['binary'],
        });
        r.scaleViewport = scale;
        r.resizeSession = false;
        r.background = '#151515';
        r.addEventListener('connect', () => {
          everUp = true;
          retries.current = 0;
          setState('connected');
          setMessage(null);
        });
        r.addEventListener('disconnect', () => {
          ended('The screen connection ended.');
        });
        r.addEventListener('securityfailure', () => {
          setMessage('The VNC server refused the ticket.');
        });
        rfb.current = r;
      },
      (e: unknown) => {
        ended(e instanceof Error ? e.message : String(e));
      },
    );
    return () => {
      disposed = true;
      if (retry !== null) clearTimeout(retry);
      rfb.current?.disconnect();
      rfb.current = null;
    };
    // Scaling changes apply to the open connection below, without reconnecting.
  }, [client, vmId, running, attempt, base]);

  useEffect(() => {
    if (rfb.current) rfb.current.scaleViewport = scale;
  }, [scale]);

  if (!running) return <Alert variant="info" isInline title="The VM is not running." />;
  if (base === null)
    return (
      <Alert
        variant="info"
        isInline
        title="The screen is shown in the browser UI of the engine (npm run serve)."
      />
    );
  return (
    <div>
      <div style={{ display: 'flex', gap: 8, alignItems: 'center', marginBottom: 8 }}>
        <Button
          variant="secondary"
          isDisabled={state !== 'connected'}
          onClick={() => rfb.current?.sendCtrlAltDel()}
        >
          Send Ctrl-Alt-Del
        </Button>
        <Checkbox
          id={`screen-scale-${vmId}`}
          label="Scale to fit"
          isChecked={scale}
          onChange={(_e, v) => {
            setScale(v);
          }}
        />
        <TextInput
          aria-label="Text to paste"
          placeholder="Text for the guest's clipboard"
          value={paste}
          onChange={(_e, v) => {
            setPaste(v);
          }}
          style={{ maxWidth: 280 }}
        />
        <Button
          variant="secondary"
          isDisabled={state !== 'connected' || paste === ''}
          onClick={() => rfb.current?.clipboardPasteFrom(paste)}
        >
          Paste
        </Button>
        {state === 'closed' && (
          <Button
            variant="link"
            onClick={() => {
              retries.current = 0;
              setAttempt((n) => n + 1);
            }}
          >
            Reconnect
          </Button>
        )}
      </div>
      {message && (
        <Alert variant="warning" isInline title={message} data-testid="vm-screen-message" />
      )}
      <div
        ref={box}
        data-testid="vm-screen"
        data-state={state}
        style={{ width: '100%', height: '60vh', background: '#151515' }}
      />
    </div>
  );
}
