// SPDX-License-Identifier: Apache-2.0
/**
 * TestNetworkIsolation (issue 13 item 7): the user-facing proof that an isolated network is
 * what it promises, run from the segment (host layer `isolationTest`: two probes, always torn
 * down). The engine picks the host, checks the network is isolated and on that host, and holds
 * the network and the host's networks while the probes are attached, so no setupNetworks
 * interleaves with them. Nothing in the database changes; the outcome is in the audit log.
 */
import { hostsRepo } from '../../../db/repos/hosts.repo';
import { networkAttachmentsRepo } from '../../../db/repos/network-attachments.repo';
import { networksRepo } from '../../../db/repos/networks.repo';
import { auditRepo } from '../../../db/repos/users.repo';
import type { Host } from '../../contract/hosts';
import type { Network } from '../../contract/networks';
import { defineCommand, lockKey } from '../command';
import { effectiveMtu, hostFailure, REACHABLE } from '../host-networks';
import { failWith, firstFailure, invalid, notFound, valid } from '../validation';

interface Plan {
  readonly network: Network;
  readonly host: Host;
}

export const TestNetworkIsolationCommand = defineCommand<'TestNetworkIsolation', Plan>({
  action: 'test isolation of',
  type: 'Network',
  auditCode: 'NETWORK_ISOLATION_TEST',
  locks: (ctx, input) => [
    lockKey.network(input.id),
    lockKey.hostNetworks(input.hostId ?? ctx.localHostId),
  ],
  validate: (ctx, input) => {
    const c = ctx.database.db;
    const network = networksRepo.findById(c, input.id);
    if (!network) throw notFound('network', input.id);
    const host = hostsRepo.findById(c, input.hostId ?? ctx.localHostId);
    if (!host) return invalid(failWith('ACTION_TYPE_FAILED_HOST_NOT_EXIST').failure);
    const failure = firstFailure(
      () =>
        failWith('ACTION_TYPE_FAILED_ISOLATION_TEST_NETWORK_NOT_ISOLATED', {
          networkName: network.name,
        }).when(!network.isolated),
      () =>
        failWith('ACTION_TYPE_FAILED_VDS_STATUS_ILLEGAL', {
          hostStatus: 'Up, Maintenance or NonOperational',
        }).when(!REACHABLE.includes(host.status)),
      () =>
        failWith('ACTION_TYPE_FAILED_ISOLATION_TEST_NETWORK_NOT_ON_HOST', {
          networkName: network.name,
          hostName: host.name,
        }).when(networkAttachmentsRepo.find(c, host.id, network.id) === null),
    );
    return failure ? invalid(failure) : valid({ network, host });
  },
  execute: async (ctx, _input, { network, host }) => {
    const report = await ctx.host
      .isolationTest(network.vdsmName, effectiveMtu(network.mtu))
      .catch((e: unknown) => {
        throw hostFailure(e);
      });
    // The command succeeds either way (the test ran); a failed test is a warning in the log.
    if (!report.passed) {
      const failed = report.checks.filter((x) => !x.passed);
      ctx.database.transaction((tx) => {
        const event = auditRepo.insert(tx, {
          time: new Date().toISOString(),
          severity: 'warning',
          code: 'NETWORK_ISOLATION_TEST_FAILED_CHECKS',
          description: `Isolation test of network ${network.name} on host ${host.name} failed: ${failed
            .map((x) => `${x.name}: ${x.detail}`)
            .join('; ')}.`,
          user: ctx.principal.userName,
          correlationId: ctx.correlationId,
          dataCenterId: network.dataCenterId,
          clusterId: host.clusterId,
          hostId: host.id,
          networkId: network.id,
          vmId: null,
        });
        ctx.events.publish({ type: 'audit', event });
      });
    }
    return {
      networkId: network.id,
      networkName: network.name,
      hostId: host.id,
      hostName: host.name,
      mtu: report.mtu,
      startedAt: report.startedAt,
      finishedAt: report.finishedAt,
      passed: report.passed,
      checks: report.checks.map((x) => ({ name: x.name, passed: x.passed, detail: x.detail })),
    };
  },
  subject: (input, plan) => ({
    description: `Isolation test of network ${plan?.network.name ?? input.id}`,
    networkId: input.id,
    dataCenterId: plan?.network.dataCenterId ?? null,
    hostId: plan?.host.id ?? null,
  }),
});
