// SPDX-License-Identifier: Apache-2.0
/** The oVirt REST route table. */
import { registerGraphicsConsoleRoutes } from '../../graphics/graphics-consoles.routes';
import type { Handler } from '../rest';
import { Router } from '../router';
import { registerCdromRoutes } from './cdroms.routes';
import { registerClusterRoutes } from './clusters.routes';
import { registerDiskRoutes } from './disks.routes';
import { registerEmptyListRoutes } from './empty-lists.routes';
import { registerHostLifecycleRoutes } from './host-lifecycle.routes';
import { registerHostRoutes } from './hosts.routes';
import { registerImageTransferRoutes } from './image-transfers.routes';
import { registerLabRoutes } from './labs.routes';
import { registerNetworkRoutes } from './networks.routes';
import { registerOvnRoutes } from './ovn.routes';
import { registerRootRoutes } from './root.routes';
import { registerSegmentRoutes } from './segment.routes';
import { registerSnapshotRoutes } from './snapshots.routes';
import { registerStorageDomainRoutes } from './storage-domains.routes';
import { registerTemplateRoutes } from './templates.routes';
import { registerUserRoutes } from './users.routes';
import { registerVmRoutes } from './vms.routes';

/** Builds the router with every oVirt resource this appliance serves. */
export function buildOvirtRouter(instanceId: string): Router<Handler> {
  const router = new Router<Handler>();
  registerRootRoutes(router, instanceId);
  registerClusterRoutes(router);
  registerNetworkRoutes(router);
  registerHostRoutes(router);
  registerHostLifecycleRoutes(router);
  registerVmRoutes(router);
  registerStorageDomainRoutes(router);
  registerDiskRoutes(router);
  registerTemplateRoutes(router);
  registerSnapshotRoutes(router);
  registerImageTransferRoutes(router);
  registerEmptyListRoutes(router);
  registerSegmentRoutes(router);
  registerGraphicsConsoleRoutes(router);
  registerCdromRoutes(router);
  registerUserRoutes(router);
  registerLabRoutes(router);
  registerOvnRoutes(router);
  return router;
}
