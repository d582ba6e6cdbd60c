// SPDX-License-Identifier: Apache-2.0
/**
 * Issue 17: networks of ovirt-provider-ovn through the engine, against this machine's real OVN
 * central (NB/SB DBs, northd) — no guests, no simulated hosts: AddNetwork with
 * `external_provider` makes a logical switch without localnet port (read back from the NB DB),
 * with the usable MTU (underlay − 58) stored and shown; bad input is a clear oVirt fault that
 * changes nothing; a switch lost behind the engine's back, and an AddNetwork killed between its
 * database and NB steps, are repaired at the next start; RemoveNetwork removes the switch.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { run } from '../../build/setup/exec';
import { openDatabase } from '../../db/client';
import { intentsRepo } from '../../db/repos/intents.repo';
import { networksRepo } from '../../db/repos/networks.repo';
import { createLocalHostAgent } from '../../libvirt/local-host-agent';
import { OVN_PROVIDER_ID } from '../../main/contract/ovn';
import { ADMIN, type Harness, must, removeDir, startHarness } from '../fixtures/engine-harness';
import { simOvnUnavailable } from './sim-hosts';

const unavailable =
  process.getuid?.() !== 0 ? 'needs root (OVN central sockets)' : await simOvnUnavailable();
if (unavailable) console.log(`ovn-network.test.ts skipped: ${unavailable}`);

let h: Harness | null = null;
const dir = mkdtempSync(join(tmpdir(), 'ovn-net-'));
const agent = createLocalHostAgent({ stateDir: join(dir, 'host') });
const made: string[] = [];
const t0 = Date.now();

/** Logical switch names in the NB DB, read with ovn-nbctl (not through the host layer). */
async function switches(): Promise<string[]> {
  const r = await run('ovn-nbctl', ['--bare', '--columns=name', 'list', 'logical_switch']);
  return r.stdout
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
}
const addressPlan = { subnet: { cidr: '10.78.0.0/24' }, dnsDomain: 'ovn.test' };

describe.skipIf(Boolean(unavailable))(
  'OVN networks (ovirt-provider-ovn) through the engine',
  () => {
    beforeAll(async () => {
      h = await startHarness(agent, join(dir, 'engine'));
    });
    afterAll(async () => {
      await h?.close();
      for (const id of made) await agent.removeOvnSwitch?.(id).catch(() => undefined);
      await agent.close();
      removeDir(dir);
      console.log(`ovn-network.test.ts took ${Date.now() - t0} ms`);
    });

    it('lists the built-in provider, as oVirt names it', async () => {
      const list = await must(h).ok('GetOpenStackNetworkProviders', {});
      expect(list.map((p) => p.name)).toEqual(['ovirt-provider-ovn']);
      expect(list[0]?.type).toBe('external');
      expect(
        (await must(h).ok('GetOpenStackNetworkProviderById', { id: OVN_PROVIDER_ID })).id,
      ).toBe(OVN_PROVIDER_ID);
      expect(
        (await must(h).err('GetOpenStackNetworkProviderById', { id: randomUUID() })).code,
      ).toBe('ENTITY_NOT_FOUND');
    });

    it('AddNetwork with external_provider = a logical switch, no localnet port, MTU = underlay − 58', async () => {
      const n = await must(h).ok('AddNetwork', {
        name: 'ovn-blue',
        dataCenter: { name: 'Default' },
        externalProvider: { name: 'ovirt-provider-ovn' },
        addressPlan,
      });
      made.push(n.id);
      expect(n.externalProviderId).toBe(OVN_PROVIDER_ID);
      expect(n.isolated).toBe(true);
      // No chassis reports an underlay on this engine: 1500 is assumed, 1442 usable.
      expect(n.mtu).toBe(1442);
      const state = await must(h).ok('GetOvnNetwork', { id: n.id });
      expect(state.localnetPorts).toBe(0);
      expect(state.mtu).toBe(1442);
      expect(state.dhcpCidr).toBe('10.78.0.0/24');
      expect(await switches()).toContain(state.switchName);
      // Independent check with ovn-nbctl: no port of type localnet on the switch.
      const types = await run('ovn-nbctl', [
        '--bare',
        '--columns=type',
        'list',
        'logical_switch_port',
      ]);
      expect(types.stdout).not.toContain('localnet');
      // A Linux-bridge network is not an OVN network.
      const plain = await must(h).ok('AddNetwork', {
        name: 'plain',
        dataCenter: { name: 'Default' },
      });
      expect(plain.externalProviderId ?? null).toBeNull();
      expect((await must(h).err('GetOvnNetwork', { id: plain.id })).code).toBe('ENTITY_NOT_FOUND');
    });

    it('bad input: an MTU the tunnel cannot carry, an unknown provider — faults, nothing changed', async () => {
      const before = must(h).dump();
      const lsBefore = await switches();
      const tooBig = await must(h).err('AddNetwork', {
        name: 'ovn-big',
        dataCenter: { name: 'Default' },
        externalProvider: { id: OVN_PROVIDER_ID },
        mtu: 1443,
      });
      expect(tooBig.code).toBe('ACTION_TYPE_FAILED_NETWORK_MTU_EXCEEDS_TUNNEL');
      expect(tooBig.messages.join(' ')).toContain('at most 1442');
      const unknown = await must(h).err('AddNetwork', {
        name: 'ovn-x',
        dataCenter: { name: 'Default' },
        externalProvider: { name: 'neutron' },
      });
      expect(unknown.code).toBe('ACTION_TYPE_FAILED_PROVIDER_DOESNT_EXIST');
      expect(must(h).dump()).toEqual(before);
      expect(await switches()).toEqual(lsBefore);
    });

    it('a switch deleted behind the engine comes back at the next start', async () => {
      const n = must((await must(h).ok('GetAllNetworks', {})).find((x) => x.name === 'ovn-blue'));
      const name = (await must(h).ok('GetOvnNetwork', { id: n.id })).switchName;
      await run('ovn-nbctl', ['ls-del', name]);
      expect(await switches()).not.toContain(name);
      h = await must(h).restart();
      expect(await switches()).toContain(name);
      expect((await must(h).ok('GetOvnNetwork', { id: n.id })).dhcpCidr).toBe('10.78.0.0/24');
    });

    it('AddNetwork killed between its database step and the NB step is undone at the next start', async () => {
      await must(h).close();
      // What a kill leaves: tx 1 committed (row + intent), the switch (partly) made, no tx 2.
      const id = randomUUID();
      made.push(id);
      const database = openDatabase(join(dir, 'engine', 'engine.db'));
      try {
        const dc = must(networksRepo.list(database.db)[0]).dataCenterId;
        database.transaction((tx) => {
          const snapshot = [database.snapshot('network', 'id', id)];
          networksRepo.insert(tx, {
            id,
            name: 'ovn-killed',
            dataCenterId: dc,
            mtu: 1442,
            vmNetwork: true,
            isIsolated: true,
            vdsmName: 'ovn-killed',
            externalProviderId: OVN_PROVIDER_ID,
          });
          intentsRepo.insert(tx, {
            id: randomUUID(),
            command: 'AddNetwork',
            kind: 'ovn-network',
            payload: { networkId: id },
            hostId: null,
            snapshot,
            hostNetworks: [],
          });
        });
      } finally {
        database.close();
      }
      await agent.setupOvnSwitch?.({
        networkId: id,
        name: 'ovn-killed',
        mtu: 1442,
        dhcp: null,
        ports: [],
      });
      expect(await switches()).toContain(`aio-${id}`);
      h = await startHarness(agent, join(dir, 'engine'));
      expect((await must(h).err('GetNetworkById', { id })).code).toBe('ENTITY_NOT_FOUND');
      expect(await switches()).not.toContain(`aio-${id}`);
      expect(must(h).dump().command_intent).toEqual([]);
    });

    it('RunVm plugs a NIC on an OVN network into br-int by iface-id, its port planned in the NB DB', async () => {
      const net = await must(h).ok('AddNetwork', {
        name: 'ovn-vm',
        dataCenter: { name: 'Default' },
        externalProvider: { id: OVN_PROVIDER_ID },
        addressPlan: { subnet: { cidr: '10.81.0.0/24' }, dnsDomain: 'ovn.test' },
      });
      made.push(net.id);
      // As in oVirt, an external network is attached to the cluster; it must not become a
      // bridge on the hosts (provisioning skips OVN networks).
      await must(h).ok('AttachNetworkToCluster', {
        cluster: { name: 'Default' },
        network: { id: net.id },
      });
      const profile = must(
        (await must(h).ok('GetVnicProfilesByNetworkId', { networkId: net.id }))[0],
      );
      const vm = await must(h).ok('AddVm', {
        name: 'ovn-vm1',
        cluster: { name: 'Default' },
        template: { name: 'tiny' },
        initialization: {
          nicConfigurations: [{ name: 'eth0', bootProtocol: 'dhcp', onBoot: true }],
        },
      });
      const nic = await must(h).ok('AddVmInterface', {
        vmId: vm.id,
        name: 'nic1',
        vnicProfileId: profile.id,
      });
      try {
        await must(h).ok('RunVm', { id: vm.id });
        const xml = await (agent as unknown as { domainXml(u: string): Promise<string> }).domainXml(
          vm.id,
        );
        expect(xml).toContain("<source bridge='br-int'/>");
        expect(xml).toMatch(
          new RegExp(`<virtualport type='openvswitch'>[\\s\\S]*interfaceid='${nic.id}'`),
        );
        expect(xml).toContain("<mtu size='1442'/>");
        const state = await must(h).ok('GetOvnNetwork', { id: net.id });
        const port = must(state.ports.find((p) => p.id === nic.id));
        expect(port.addresses[0]).toMatch(new RegExp(`^${nic.mac} 10\\.81\\.0\\.\\d+$`));
        expect(Object.keys(state.dnsRecords)).toContain('ovn-vm1.ovn.test');
        // The tap: on br-int with the NIC's iface-id, deaf to the host.
        const tap = must(/<target dev='([^']+)'/.exec(xml)?.[1]);
        const iface = await run('ovs-vsctl', ['get', 'interface', tap, 'external_ids:iface-id']);
        expect(iface.stdout.trim()).toBe(`"${nic.id}"`);
        const { readFileSync } = await import('node:fs');
        expect(readFileSync(`/proc/sys/net/ipv6/conf/${tap}/disable_ipv6`, 'utf8').trim()).toBe(
          '1',
        );
        expect(readFileSync(`/proc/sys/net/ipv4/conf/${tap}/arp_ignore`, 'utf8').trim()).toBe('8');
      } finally {
        await must(h).engine.invoke(ADMIN, 'StopVm', { id: vm.id });
      }
      await must(h).ok('RemoveVm', { id: vm.id });
    }, 120_000);

    it('RemoveNetwork removes the switch', async () => {
      const n = must((await must(h).ok('GetAllNetworks', {})).find((x) => x.name === 'ovn-blue'));
      const name = (await must(h).ok('GetOvnNetwork', { id: n.id })).switchName;
      await must(h).ok('RemoveNetwork', { id: n.id });
      expect(await switches()).not.toContain(name);
    });
  },
);
