// SPDX-License-Identifier: Apache-2.0
// Labs (issue 15): every lab of the engine (made by `aio lab apply` or the API) with its
// networks and VMs; Start all (in waves, parallelism chosen here, progress per VM from the
// engine's start job), Stop all, and Destroy (each VM and network removed by its own command,
// then the lab, with a progress bar). The engine keeps labs apart; this page only shows them.
import {
  Button,
  Card,
  CardBody,
  CardTitle,
  Label,
  PageSection,
  Progress,
  TextInput,
  Title,
} from '@patternfly/react-core';
import { useEffect, useState } from 'react';

import type { Lab, LabStartJob, LabStartVmState } from '../../../../main/contract/labs';
import type { Network } from '../../../../main/contract/networks';
import type { Vm } from '../../../../main/contract/vms';
import { Fault } from '../../components/Fault';
import { domId } from '../../components/ids';
import { StatusLabel } from '../../components/Status';
import { Table } from '../../components/Table';
import { useClient } from '../../context';
import { useQuery } from '../../hooks';
import { LabDoctor } from './LabDoctor';

export function LabsPage() {
  const labs = useQuery('GetAllLabs', {}, ['lab', 'vm', 'network']);
  const networks = useQuery('GetAllNetworks', {}, ['network']);
  const vms = useQuery('GetAllVms', {}, ['vm']);
  const list = labs.data ?? [];
  return (
    <>
      <PageSection>
        <Title headingLevel="h1">Labs</Title>
      </PageSection>
      <PageSection>
        <p style={{ marginBottom: 16 }}>
          A lab is a set of networks and VMs brought up together, usually from a lab file:{' '}
          <code>aio lab apply -f lab.yml</code>. Two labs never share a network.
        </p>
        <Fault error={labs.error ?? networks.error ?? vms.error} />
        {list.length === 0 && !labs.loading && <p id="labs-empty">No labs yet.</p>}
        {list.map((l) => (
          <LabCard
            key={l.id}
            lab={l}
            networks={(networks.data ?? []).filter((n) => l.networkIds.includes(n.id))}
            vms={(vms.data ?? []).filter((v) => l.vmIds.includes(v.id))}
          />
        ))}
      </PageSection>
    </>
  );
}

const START_COLORS: Readonly<Record<LabStartVmState, 'green' | 'orange' | 'red' | 'grey'>> = {
  waiting: 'grey',
  starting: 'orange',
  booting: 'orange',
  up: 'green',
  failed: 'red',
  skipped: 'grey',
};
const START_TEXT: Readonly<Record<LabStartVmState, string>> = {
  waiting: 'Waiting',
  starting: 'Starting',
  booting: 'Booting',
  up: 'Answering',
  failed: 'Failed',
  skipped: 'Not started',
};

function LabCard({
  lab,
  networks,
  vms,
}: {
  lab: Lab;
  networks: readonly Network[];
  vms: readonly Vm[];
}) {
  const client = useClient();
  const [error, setError] = useState<unknown>(null);
  const [parallelism, setParallelism] = useState('');
  const [polling, setPolling] = useState(false);
  const [destroy, setDestroy] = useState<{ step: string; done: number; total: number } | null>(
    null,
  );
  // The engine's start job (also one started by `aio lab apply`): it has no entity event of
  // its own, so it is polled — every second while one runs, now and then otherwise.
  const [running, setRunning] = useState(false);
  const job = useQuery('GetLabStartJob', { id: lab.id }, ['vm'], running ? 1000 : 5000);
  const current: LabStartJob | undefined = job.data;
  useEffect(() => {
    setRunning(current?.status === 'running');
    if (current !== undefined && current.status !== 'running') setPolling(false);
  }, [current?.status]);
  const stateOf = (vmId: string) => current?.vms.find((v) => v.vmId === vmId);
  const base = domId('lab', lab.name, '');

  const start = (): void => {
    setError(null);
    const n = Number(parallelism);
    client
      .invoke('StartLab', {
        id: lab.id,
        ...(parallelism !== '' && Number.isInteger(n) && n > 0 ? { parallelism: n } : {}),
      })
      .then(
        () => {
          setPolling(true);
          job.reload();
        },
        (e: unknown) => {
          setError(e);
        },
      );
  };
  const stop = (): void => {
    setError(null);
    client.invoke('StopLab', { id: lab.id }).then(
      (r) => {
        if (r.failed.length > 0)
          setError(new Error(r.failed.map((f) => `${f.name}: ${f.detail}`).join('; ')));
      },
      (e: unknown) => {
        setError(e);
      },
    );
  };
  /** Each member by its own command (locks, validation, host work), then the lab. */
  const destroyLab = async (): Promise<void> => {
    if (
      !window.confirm(
        `Destroy lab ${lab.name}: its ${vms.length} VM(s) and ${networks.length} network(s)?`,
      )
    )
      return;
    setError(null);
    const total = 1 + vms.length + networks.length + 1;
    let done = 0;
    const step = async (what: string, work: () => Promise<unknown>): Promise<void> => {
      setDestroy({ step: what, done, total });
      await work();
      done++;
    };
    try {
      await step('Stopping the VMs', () => client.invoke('StopLab', { id: lab.id }));
      for (const v of vms)
        await step(`Removing VM ${v.name}`, () => client.invoke('RemoveVm', { id: v.id }));
      for (const n of networks)
        await step(`Removing network ${n.name}`, () =>
          client.invoke('RemoveNetwork', { id: n.id }),
        );
      await step('Removing the lab', () => client.invoke('RemoveLab', { id: lab.id }));
      setDestroy(null);
    } catch (e) {
      setError(e);
      setDestroy(null);
    }
  };

  const answering = current?.vms.filter((v) => v.state === 'up').length ?? 0;
  return (
    <Card id={`${base}card`} style={{ marginBottom: 16 }}>
      <CardTitle>
        Lab {lab.name}{' '}
        <Label isCompact>
          {networks.length} network(s), {vms.length} VM(s)
        </Label>
      </CardTitle>
      <CardBody>
        {lab.description && <p>{lab.description}</p>}
        <Fault error={error} />
        <div style={{ display: 'flex', gap: 8, alignItems: 'center', marginBottom: 12 }}>
          <TextInput
            id={`${base}parallelism`}
            aria-label={`VMs booting at once in lab ${lab.name}`}
            placeholder="parallelism (CPU count)"
            value={parallelism}
            onChange={(_e, v) => {
              setParallelism(v);
            }}
            style={{ width: 200 }}
          />
          <Button id={`${base}start`} onClick={start} isDisabled={polling || destroy !== null}>
            Start all
          </Button>
          <Button
            id={`${base}stop`}
            variant="secondary"
            onClick={stop}
            isDisabled={destroy !== null}
          >
            Stop all
          </Button>
          <Button
            id={`${base}destroy`}
            variant="danger"
            onClick={() => void destroyLab()}
            isDisabled={destroy !== null}
          >
            Destroy
          </Button>
        </div>
        {current && current.vms.length > 0 && (
          <Progress
            id={`${base}start-progress`}
            title={`Start in waves (${current.parallelism} at a time): ${answering} of ${current.vms.length} answering${current.status === 'running' ? '' : `, ${current.status}`}`}
            value={
              (100 *
                current.vms.filter((v) => ['up', 'failed', 'skipped'].includes(v.state)).length) /
              current.vms.length
            }
            style={{ marginBottom: 12 }}
          />
        )}
        {destroy && (
          <Progress
            id={`${base}destroy-progress`}
            title={destroy.step}
            value={(100 * destroy.done) / destroy.total}
            style={{ marginBottom: 12 }}
          />
        )}
        <Title headingLevel="h3">Networks</Title>
        <Table
          label={`Networks of lab ${lab.name}`}
          rows={[...networks].sort((a, b) => a.name.localeCompare(b.name))}
          rowKey={(n) => n.id}
          rowId={(n) => domId('lab', `${lab.name}-net-${n.name}`, '').slice(0, -1)}
          columns={[
            { title: 'Name', cell: (n) => n.name },
            { title: 'MTU', cell: (n) => n.mtu || 1500 },
            {
              title: 'Addresses',
              cell: (n) => (n.addressPlan ? n.addressPlan.subnet.cidr : 'none'),
            },
          ]}
        />
        <Title headingLevel="h3" style={{ marginTop: 12 }}>
          VMs
        </Title>
        <Table
          label={`VMs of lab ${lab.name}`}
          rows={[...vms].sort((a, b) => a.name.localeCompare(b.name))}
          rowKey={(v) => v.id}
          rowId={(v) => domId('lab', `${lab.name}-vm-${v.name}`, '').slice(0, -1)}
          columns={[
            { title: 'Name', cell: (v) => v.name },
            { title: 'Status', field: 'status', cell: (v) => <StatusLabel status={v.status} /> },
            {
              // The stored start order (the lab file's), which Start all honours.
              title: 'Start order',
              field: 'order',
              cell: (v) => {
                const o = lab.startOrder?.find((x) => x.vmId === v.id);
                if (!o) return '';
                const after = o.dependsOn
                  .map((d) => vms.find((x) => x.id === d)?.name ?? d)
                  .join(', ');
                return [
                  `group ${o.group}`,
                  ...(after ? [`after ${after}`] : []),
                  ...(o.delaySeconds > 0 ? [`+${o.delaySeconds} s`] : []),
                ].join(' · ');
              },
            },
            {
              title: 'Start',
              field: 'start',
              cell: (v) => {
                const s = stateOf(v.id);
                if (!s) return '';
                return (
                  <span title={s.detail ?? ''}>
                    <Label color={START_COLORS[s.state]} isCompact>
                      {START_TEXT[s.state]}
                    </Label>
                    {s.detail ? ` ${s.detail}` : ''}
                  </span>
                );
              },
            },
          ]}
        />
        <LabDoctor base={base} vms={vms} />
      </CardBody>
    </Card>
  );
}
