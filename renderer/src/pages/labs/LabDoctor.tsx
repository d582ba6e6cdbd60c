// SPDX-License-Identifier: Apache-2.0
// "Why can't A reach B?" (issue 15) on the Labs page: pick two VMs of the lab, ask the engine
// (DiagnoseConnectivity with its probe) and see the verdict, each cause it found (engine facts
// and what the host shows) and the proof: the ping typed on A's console, with what it printed.
import {
  Button,
  FormSelect,
  FormSelectOption,
  Label,
  List,
  ListItem,
  Title,
} from '@patternfly/react-core';
import { useState } from 'react';

import type { ConnectivityDiagnosis } from '../../../../main/contract/labs';
import type { Vm } from '../../../../main/contract/vms';
import { Fault } from '../../components/Fault';
import { useClient } from '../../context';

export function LabDoctor({ base, vms }: { base: string; vms: readonly Vm[] }) {
  const client = useClient();
  const sorted = [...vms].sort((a, b) => a.name.localeCompare(b.name));
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [result, setResult] = useState<ConnectivityDiagnosis | null>(null);
  const a = from || sorted[0]?.id || '';
  const b = to || sorted[1]?.id || '';
  const nameOf = (id: string): string => vms.find((v) => v.id === id)?.name ?? id;

  const diagnose = (): void => {
    setError(null);
    setResult(null);
    setBusy(true);
    client.invoke('DiagnoseConnectivity', { vmId: a, peerId: b, probe: true }).then(
      (d) => {
        setResult(d);
        setBusy(false);
      },
      (e: unknown) => {
        setError(e);
        setBusy(false);
      },
    );
  };

  if (sorted.length < 2) return null;
  const select = (id: string, value: string, set: (v: string) => void, label: string) => (
    <FormSelect
      id={id}
      aria-label={label}
      value={value}
      onChange={(_e, v) => {
        set(v);
      }}
      style={{ width: 200 }}
    >
      {sorted.map((v) => (
        <FormSelectOption key={v.id} value={v.id} label={v.name} />
      ))}
    </FormSelect>
  );
  return (
    <div id={`${base}doctor`} style={{ marginTop: 12 }}>
      <Title headingLevel="h3">Why can&apos;t A reach B?</Title>
      <div style={{ display: 'flex', gap: 8, alignItems: 'center', margin: '8px 0' }}>
        {select(`${base}doctor-a`, a, setFrom, 'VM A')}
        <span>→</span>
        {select(`${base}doctor-b`, b, setTo, 'VM B')}
        <Button
          id={`${base}doctor-run`}
          variant="secondary"
          onClick={diagnose}
          isDisabled={busy || a === b}
          isLoading={busy}
        >
          Diagnose
        </Button>
      </div>
      <Fault error={error} />
      {result && (
        <div id={`${base}doctor-result`}>
          <p>
            <Label id={`${base}doctor-verdict`} color={result.reachable ? 'green' : 'red'}>
              {result.reachable
                ? `${nameOf(result.vmId)} reaches ${nameOf(result.peerId)}`
                : `${nameOf(result.vmId)} does not reach ${nameOf(result.peerId)}`}
            </Label>
          </p>
          {result.causes.length > 0 && (
            <List id={`${base}doctor-causes`}>
              {result.causes.map((c, i) => (
                <ListItem key={i}>
                  <code>{c.code}</code>: {c.detail}
                </ListItem>
              ))}
            </List>
          )}
          {result.probe && (
            <div id={`${base}doctor-probe`}>
              <p>
                Proof on {result.probe.network ?? 'no network'}:{' '}
                {result.probe.command ? <code>{result.probe.command}</code> : 'no probe'} —{' '}
                {result.probe.reached === null
                  ? 'no answer from the probe'
                  : result.probe.reached
                    ? 'answered'
                    : 'no reply'}
              </p>
              <pre
                id={`${base}doctor-evidence`}
                style={{ whiteSpace: 'pre-wrap', fontSize: 12, maxHeight: 240, overflow: 'auto' }}
              >
                {result.probe.evidence}
              </pre>
            </div>
          )}
        </div>
      )}
    </div>
  );
}
