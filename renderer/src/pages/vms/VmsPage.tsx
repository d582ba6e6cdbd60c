// SPDX-License-Identifier: Apache-2.0
// Virtual Machines: list with status and Run / Shutdown / Power off (oVirt's Compute → Virtual
// Machines), New VM, and per VM the General, Network Interfaces and Console tabs, and the
// initial run (cloud-init): edit it, or run once with another.
import {
  Breadcrumb,
  BreadcrumbItem,
  Button,
  DescriptionList,
  DescriptionListDescription,
  DescriptionListGroup,
  DescriptionListTerm,
  Flex,
  FlexItem,
  FormSelect,
  FormSelectOption,
  PageSection,
  Tab,
  Tabs,
  TabTitleText,
  TextInput,
  Title,
  Toolbar,
  ToolbarContent,
  ToolbarItem,
} from '@patternfly/react-core';
import { useState } from 'react';

import { type VmAction, vmActionAllowed } from '../../../../main/contract/rules/vm';
import type { Vm } from '../../../../main/contract/vms';
import { Fault } from '../../components/Fault';
import { domId } from '../../components/ids';
import { StatusLabel } from '../../components/Status';
import { Table } from '../../components/Table';
import { useClient } from '../../context';
import { useQuery } from '../../hooks';
import { href, navigate, type Route } from '../../router';
import { CopyVmDialog } from './CopyVmDialog';
import { InitialRunDialog } from './InitialRunDialog';
import { NewVmDialog } from './NewVmDialog';
import { VmCdrom } from './VmCdrom';
import { VmConsole } from './VmConsole';
import { VmDisks } from './VmDisks';
import { VmReportedDevices } from './VmReportedDevices';
import { VmScreen } from './VmScreen';
import { VmSnapshots } from './VmSnapshots';

/** The engine's VM state table decides which buttons are offered (contract rules/vm.ts). */
const can = (vm: Vm, action: VmAction): boolean => vmActionAllowed(vm.status, action);

function addresses(vm: Vm): string {
  return (
    vm.initialization?.nicConfigurations
      .filter((c) => c.ip)
      .map((c) => `${c.ip?.address ?? ''}/${c.ip?.netmask ?? ''}`)
      .join(', ') ?? ''
  );
}

function useVmActions(onError: (e: unknown) => void, onDone: () => void) {
  const client = useClient();
  const wrap = (p: Promise<unknown>): void => {
    onError(null);
    p.then(onDone, onError);
  };
  return {
    run: (vm: Vm) => {
      wrap(client.invoke('RunVm', { id: vm.id }));
    },
    shutdown: (vm: Vm) => {
      wrap(client.invoke('ShutdownVm', { id: vm.id }));
    },
    powerOff: (vm: Vm) => {
      wrap(client.invoke('StopVm', { id: vm.id }));
    },
    remove: (vm: Vm) => {
      wrap(client.invoke('RemoveVm', { id: vm.id }));
    },
  };
}

function VmButtons({ vm, actions }: { vm: Vm; actions: ReturnType<typeof useVmActions> }) {
  return (
    <>
      <Button
        size="sm"
        variant="primary"
        id={domId('vm', vm.name, 'run')}
        aria-label={`Run ${vm.name}`}
        isDisabled={!can(vm, 'run')}
        onClick={() => {
          actions.run(vm);
        }}
      >
        Run
      </Button>{' '}
      <Button
        size="sm"
        variant="secondary"
        id={domId('vm', vm.name, 'shutdown')}
        aria-label={`Shutdown ${vm.name}`}
        isDisabled={!can(vm, 'shutdown')}
        onClick={() => {
          actions.shutdown(vm);
        }}
      >
        Shutdown
      </Button>{' '}
      <Button
        size="sm"
        variant="secondary"
        id={domId('vm', vm.name, 'poweroff')}
        aria-label={`Power off ${vm.name}`}
        isDisabled={!can(vm, 'stop')}
        onClick={() => {
          actions.powerOff(vm);
        }}
      >
        Power off
      </Button>{' '}
      <Button
        size="sm"
        variant="secondary"
        id={domId('vm', vm.name, 'console')}
        component="a"
        href={href({ section: 'vms', id: vm.id, tab: 'console' })}
        aria-label={`Console of ${vm.name}`}
      >
        Console
      </Button>{' '}
      <Button
        size="sm"
        variant="danger"
        id={domId('vm', vm.name, 'remove')}
        aria-label={`Remove ${vm.name}`}
        isDisabled={!can(vm, 'remove')}
        onClick={() => {
          actions.remove(vm);
        }}
      >
        Remove
      </Button>
    </>
  );
}

export function VmsPage({ route }: { route: Route }) {
  const vms = useQuery('GetAllVms', {}, ['vm']);
  const [error, setError] = useState<unknown>(null);
  const actions = useVmActions(setError, vms.reload);
  const [creating, setCreating] = useState(false);
  const [copying, setCopying] = useState<'template' | 'clone' | null>(null);
  const [initialRun, setInitialRun] = useState<'edit' | 'run-once' | null>(null);
  // null op: no query on the list page.
  const vmNics = useQuery(route.id ? 'GetVmInterfaces' : null, { vmId: route.id ?? '' }, [
    'vm_nic',
  ]);
  const templates = useQuery('GetAllTemplates', {}, ['template']);
  const clusters = useQuery('GetAllClusters', {}, ['cluster']);
  const profiles = useQuery('GetAllVnicProfiles', {}, ['vnic_profile']);
  const networks = useQuery('GetAllNetworks', {}, ['network']);
  const disks = useQuery('GetAllDisks', {}, ['disk', 'disk_attachment']);

  if (route.id) {
    const vm = vms.data?.find((v) => v.id === route.id);
    return (
      <>
        <PageSection>
          <Breadcrumb>
            <BreadcrumbItem to={href({ section: 'vms' })}>Virtual Machines</BreadcrumbItem>
            <BreadcrumbItem isActive>{vm?.name ?? route.id}</BreadcrumbItem>
          </Breadcrumb>
          <Title headingLevel="h1">
            {vm?.name ?? 'Virtual machine'}{' '}
            {vm && <StatusLabel status={vm.status} id={domId('vm', vm.name, 'status')} />}
          </Title>
        </PageSection>
        <PageSection>
          <Fault error={error ?? vms.error} />
          {vm && (
            <>
              <Toolbar>
                <ToolbarContent>
                  <ToolbarItem>
                    <VmButtons vm={vm} actions={actions} />
                  </ToolbarItem>
                  <ToolbarItem>
                    <Button
                      size="sm"
                      variant="secondary"
                      id={domId('vm', vm.name, 'make-template')}
                      isDisabled={!can(vm, 'edit')}
                      onClick={() => {
                        setCopying('template');
                      }}
                    >
                      Make template
                    </Button>{' '}
                    <Button
                      size="sm"
                      variant="secondary"
                      id={domId('vm', vm.name, 'clone')}
                      isDisabled={!can(vm, 'edit')}
                      onClick={() => {
                        setCopying('clone');
                      }}
                    >
                      Clone
                    </Button>{' '}
                    <Button
                      size="sm"
                      variant="secondary"
                      id={domId('vm', vm.name, 'initial-run')}
                      isDisabled={!can(vm, 'edit')}
                      onClick={() => {
                        setInitialRun('edit');
                      }}
                    >
                      Initial run
                    </Button>{' '}
                    <Button
                      size="sm"
                      variant="secondary"
                      id={domId('vm', vm.name, 'run-once')}
                      isDisabled={!can(vm, 'run')}
                      onClick={() => {
                        setInitialRun('run-once');
                      }}
                    >
                      Run once
                    </Button>
                  </ToolbarItem>
                </ToolbarContent>
              </Toolbar>
              <Tabs
                activeKey={route.tab ?? 'general'}
                onSelect={(_e, key) => {
                  navigate({ section: 'vms', id: vm.id, tab: String(key) });
                }}
                aria-label={`Details of ${vm.name}`}
              >
                <Tab eventKey="general" title={<TabTitleText>General</TabTitleText>}>
                  <VmGeneral vm={vm} />
                </Tab>
                <Tab eventKey="nics" title={<TabTitleText>Network Interfaces</TabTitleText>}>
                  <VmNics vm={vm} />
                </Tab>
                <Tab eventKey="disks" title={<TabTitleText>Disks</TabTitleText>}>
                  {(route.tab ?? 'general') === 'disks' && <VmDisks vm={vm} />}
                </Tab>
                <Tab eventKey="cdrom" title={<TabTitleText>CD-ROM &amp; boot</TabTitleText>}>
                  {(route.tab ?? 'general') === 'cdrom' && <VmCdrom vm={vm} />}
                </Tab>
                <Tab eventKey="snapshots" title={<TabTitleText>Snapshots</TabTitleText>}>
                  {(route.tab ?? 'general') === 'snapshots' && <VmSnapshots vm={vm} />}
                </Tab>
                <Tab eventKey="console" title={<TabTitleText>Console</TabTitleText>}>
                  {(route.tab ?? 'general') === 'console' && (
                    <VmConsole
                      vmId={vm.id}
                      vmName={vm.name}
                      running={vm.status === 'up' || vm.status === 'powering_up'}
                    />
                  )}
                </Tab>
                <Tab eventKey="screen" title={<TabTitleText>Screen</TabTitleText>}>
                  {(route.tab ?? 'general') === 'screen' && (
                    <VmScreen
                      vmId={vm.id}
                      running={vm.status === 'up' || vm.status === 'powering_up'}
                    />
                  )}
                </Tab>
              </Tabs>
              {initialRun && (
                <InitialRunDialog
                  vm={vm}
                  mode={initialRun}
                  nics={[...(vmNics.data ?? [])]
                    .filter((n) => n.plugged && n.vnicProfileId !== null)
                    .sort((a, b) => a.name.localeCompare(b.name, 'en', { numeric: true }))}
                  onClose={() => {
                    setInitialRun(null);
                  }}
                  onDone={() => {
                    setInitialRun(null);
                    vms.reload();
                  }}
                />
              )}
              {copying && (
                <CopyVmDialog
                  vm={vm}
                  kind={copying}
                  onClose={() => {
                    setCopying(null);
                  }}
                />
              )}
            </>
          )}
        </PageSection>
      </>
    );
  }

  return (
    <>
      <PageSection>
        <Title headingLevel="h1">Virtual Machines</Title>
      </PageSection>
      <PageSection>
        <Toolbar>
          <ToolbarContent>
            <ToolbarItem>
              <Button
                id="vm-new"
                variant="primary"
                isDisabled={!templates.data || !clusters.data || !profiles.data}
                onClick={() => {
                  setCreating(true);
                }}
              >
                New VM
              </Button>
            </ToolbarItem>
          </ToolbarContent>
        </Toolbar>
        <Fault error={error ?? vms.error} />
        <Table
          label="Virtual machines"
          rows={[...(vms.data ?? [])].sort((a, b) => a.name.localeCompare(b.name))}
          rowKey={(v) => v.id}
          rowId={(v) => domId('vm', v.name, '').slice(0, -1)}
          empty="No virtual machines yet. Create one with New VM."
          columns={[
            {
              title: 'Name',
              field: 'name',
              cell: (v) => (
                <a href={href({ section: 'vms', id: v.id, tab: 'general' })}>{v.name}</a>
              ),
            },
            { title: 'Status', field: 'state', cell: (v) => <StatusLabel status={v.status} /> },
            {
              title: 'Template',
              field: 'template',
              cell: (v) => templates.data?.find((t) => t.id === v.templateId)?.name ?? '—',
            },
            {
              title: 'Memory',
              field: 'memory',
              cell: (v) => `${Math.round(v.memoryBytes / 1048576)} MiB`,
            },
            {
              title: 'Addresses',
              field: 'addresses',
              cell: (v) => <span className="aio-mono">{addresses(v)}</span>,
            },
            { title: 'Actions', cell: (v) => <VmButtons vm={v} actions={actions} /> },
          ]}
        />
      </PageSection>
      {creating && templates.data && clusters.data && profiles.data && (
        <NewVmDialog
          templates={templates.data}
          clusters={clusters.data}
          profiles={profiles.data}
          networks={networks.data ?? []}
          disks={disks.data ?? []}
          onClose={() => {
            setCreating(false);
          }}
          onCreated={() => {
            setCreating(false);
            vms.reload();
          }}
        />
      )}
    </>
  );
}

function VmGeneral({ vm }: { vm: Vm }) {
  const items: [string, string][] = [
    ['Name', vm.name],
    ['Description', vm.description || '—'],
    ['Status', vm.status],
    ['Memory', `${Math.round(vm.memoryBytes / 1048576)} MiB`],
    ['vCPUs', String(vm.vcpus)],
    [
      'Boots from',
      vm.boot.kind === 'disks'
        ? 'its bootable disk (see Disks)'
        : vm.boot.kind === 'disk'
          ? vm.boot.diskPath
          : vm.boot.kind === 'tiny'
            ? 'tiny demo guest'
            : 'nothing',
    ],
    ['Boot order', (vm.bootDevices ?? ['hd']).join(', ')],
    ['Static addresses', addresses(vm) || '—'],
    [
      'Initial run',
      vm.initialization
        ? [
            vm.initialization.hostName ? `host ${vm.initialization.hostName}` : '',
            vm.initialization.userName ? `user ${vm.initialization.userName}` : '',
            vm.initialization.rootPassword ? 'password set' : '',
            vm.initialization.authorizedSshKeys ? 'SSH key' : '',
            ...vm.initialization.nicConfigurations.map(
              (c) =>
                `${c.name} ${c.bootProtocol === 'dhcp' ? 'DHCP' : (c.ip?.address ?? c.bootProtocol)}`,
            ),
          ]
            .filter(Boolean)
            .join(', ') || '—'
        : '—',
    ],
    ['Started', vm.startTime ?? '—'],
    ['Stop reason', vm.stopReason ?? '—'],
  ];
  return (
    <DescriptionList isHorizontal style={{ marginTop: 16 }}>
      {items.map(([k, v]) => (
        <DescriptionListGroup key={k}>
          <DescriptionListTerm>{k}</DescriptionListTerm>
          <DescriptionListDescription>{v}</DescriptionListDescription>
        </DescriptionListGroup>
      ))}
    </DescriptionList>
  );
}

function VmNics({ vm }: { vm: Vm }) {
  const client = useClient();
  const nics = useQuery('GetVmInterfaces', { vmId: vm.id }, ['vm_nic']);
  const profiles = useQuery('GetAllVnicProfiles', {}, ['vnic_profile']);
  const networks = useQuery('GetAllNetworks', {}, ['network']);
  const [error, setError] = useState<unknown>(null);
  const [profileId, setProfileId] = useState('');
  const [address, setAddress] = useState('');
  const [prefix, setPrefix] = useState('24');
  const configs = vm.initialization?.nicConfigurations ?? [];
  const list = nics.data ?? [];
  const down = can(vm, 'change-nics');
  const profileLabel = (id: string | null): string => {
    const p = profiles.data?.find((x) => x.id === id);
    if (!p) return 'Empty (unwired)';
    const net = networks.data?.find((x) => x.id === p.networkId);
    return `${p.name}/${net?.name ?? '?'}`;
  };

  const addNic = async (): Promise<void> => {
    setError(null);
    try {
      const index = list.length;
      await client.invoke('AddVmInterface', {
        vmId: vm.id,
        name: `nic${index + 1}`,
        interface: 'virtio',
        vnicProfileId: profileId,
      });
      if (address.trim() !== '') {
        // The guest names its NICs eth0, eth1, … in the order the VM defines them.
        const others = configs.filter((c) => c.name !== `eth${index}`);
        await client.invoke('UpdateVm', {
          id: vm.id,
          initialization: {
            // Everything else stays (a stored password reads as the mask, which keeps it).
            ...(vm.initialization ?? {}),
            nicConfigurations: [
              ...others,
              {
                name: `eth${index}`,
                bootProtocol: 'static',
                ip: { address: address.trim(), netmask: prefix.trim() },
              },
            ],
          },
        });
      }
      setAddress('');
      nics.reload();
    } catch (e) {
      setError(e);
    }
  };

  return (
    <div style={{ marginTop: 16 }}>
      <Fault error={error ?? nics.error} />
      <Table
        label={`Network interfaces of ${vm.name}`}
        rows={list}
        rowKey={(n) => n.id}
        rowId={(n) => domId('vm', `${vm.name}-${n.name}`, '').slice(0, -1)}
        columns={[
          { title: 'Name', field: 'name', cell: (n) => n.name },
          { title: 'vNIC profile', field: 'profile', cell: (n) => profileLabel(n.vnicProfileId) },
          { title: 'Type', field: 'type', cell: (n) => n.interface },
          { title: 'MAC', field: 'mac', cell: (n) => <span className="aio-mono">{n.mac}</span> },
          {
            title: 'Static address',
            field: 'address',
            cell: (n) => {
              const c = configs.find((x) => x.name === `eth${list.indexOf(n)}`);
              return c?.ip ? `${c.ip.address}/${c.ip.netmask}` : '—';
            },
          },
          { title: 'Link', field: 'link', cell: (n) => (n.linked ? 'Up' : 'Down') },
          {
            title: 'Actions',
            cell: (n) => (
              <Button
                size="sm"
                variant="secondary"
                aria-label={`Remove ${n.name} of ${vm.name}`}
                isDisabled={!down}
                onClick={() => {
                  setError(null);
                  client.invoke('RemoveVmInterface', { vmId: vm.id, id: n.id }).then(
                    () => {
                      nics.reload();
                    },
                    (e: unknown) => {
                      setError(e);
                    },
                  );
                }}
              >
                Remove
              </Button>
            ),
          },
        ]}
      />
      <VmReportedDevices vm={vm} />
      {down && (
        <Flex style={{ marginTop: 16 }} alignItems={{ default: 'alignItemsFlexEnd' }}>
          <FlexItem>
            <FormSelect
              id={domId('vm', vm.name, 'new-nic-profile')}
              aria-label="vNIC profile of the new interface"
              value={profileId}
              onChange={(_e, v) => {
                setProfileId(v);
              }}
            >
              <FormSelectOption value="" label="Choose a profile" isPlaceholder />
              {(profiles.data ?? []).map((p) => (
                <FormSelectOption key={p.id} value={p.id} label={profileLabel(p.id)} />
              ))}
            </FormSelect>
          </FlexItem>
          <FlexItem>
            <TextInput
              id={domId('vm', vm.name, 'new-nic-address')}
              aria-label="Static IPv4 address of the new interface"
              placeholder="10.90.0.11"
              value={address}
              onChange={(_e, v) => {
                setAddress(v);
              }}
            />
          </FlexItem>
          <FlexItem>
            <TextInput
              id={domId('vm', vm.name, 'new-nic-prefix')}
              aria-label="Prefix length of the new interface"
              style={{ width: '5em' }}
              value={prefix}
              onChange={(_e, v) => {
                setPrefix(v);
              }}
            />
          </FlexItem>
          <FlexItem>
            <Button
              variant="secondary"
              id={domId('vm', vm.name, 'add-nic')}
              isDisabled={profileId === ''}
              onClick={() => {
                void addNic();
              }}
            >
              Add network interface
            </Button>
          </FlexItem>
        </Flex>
      )}
    </div>
  );
}
