// SPDX-License-Identifier: Apache-2.0
// The VM's serial console in xterm.js, over whichever transport this window uses.
import '@xterm/xterm/css/xterm.css';

import { Alert, Button } from '@patternfly/react-core';
import { FitAddon } from '@xterm/addon-fit';
import { Terminal } from '@xterm/xterm';
import { useEffect, useRef, useState } from 'react';

import type { ConsoleChannel } from '../../client/transport';
import { useClient } from '../../context';

export function VmConsole({
  vmId,
  vmName,
  running,
}: {
  vmId: string;
  vmName: string;
  running: boolean;
}) {
  const client = useClient();
  const box = useRef<HTMLDivElement>(null);
  const [state, setState] = useState<'connecting' | 'connected' | 'closed'>('connecting');
  const [message, setMessage] = useState<string | null>(null);
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    const el = box.current;
    if (!el || !running) return;
    const term = new Terminal({
      convertEol: false,
      cursorBlink: true,
      fontSize: 14,
      scrollback: 2000,
      screenReaderMode: false,
    });
    const fit = new FitAddon();
    term.loadAddon(fit);
    term.open(el);
    fit.fit();
    let channel: ConsoleChannel | null = null;
    let disposed = false;
    setState('connecting');
    setMessage(null);
    client
      .openConsole(vmId, {
        onData: (data) => {
          term.write(data);
        },
        onExit: (reason) => {
          if (disposed) return;
          setState('closed');
          setMessage(reason);
        },
      })
      .then(
        (c) => {
          if (disposed) {
            c.close();
            return;
          }
          channel = c;
          setState('connected');
          c.resize(term.cols, term.rows);
          // A carriage return wakes the guest's shell prompt, as virsh console users do.
          c.write('\r');
          term.focus();
        },
        (e: unknown) => {
          setState('closed');
          setMessage(e instanceof Error ? e.message : String(e));
        },
      );
    const onKey = term.onData((d) => channel?.write(d));
    const onResize = (): void => {
      fit.fit();
      channel?.resize(term.cols, term.rows);
    };
    window.addEventListener('resize', onResize);
    return () => {
      disposed = true;
      window.removeEventListener('resize', onResize);
      onKey.dispose();
      channel?.close();
      term.dispose();
    };
  }, [client, vmId, running, attempt]);

  if (!running) {
    return (
      <Alert variant="info" isInline title={`${vmName} is not running`}>
        Run the VM to use its console.
      </Alert>
    );
  }
  return (
    <>
      {state === 'closed' && (
        <Alert
          variant="warning"
          isInline
          title="The console is disconnected"
          actionLinks={
            <Button
              variant="link"
              isInline
              onClick={() => {
                setAttempt((a) => a + 1);
              }}
            >
              Reconnect
            </Button>
          }
        >
          {message}
        </Alert>
      )}
      <div
        ref={box}
        className="aio-console"
        id={`vm-${vmName}-console`}
        role="region"
        aria-label={`Serial console of ${vmName}`}
        data-state={state}
      />
    </>
  );
}
