// SPDX-License-Identifier: Apache-2.0
/**
 * Image transfers ⇄ oVirt documents (AM `types/ImageTransfer.java`). The data plane is this
 * engine's own HTTP server, so `transfer_url` and `proxy_url` are both
 * `<engine origin>/images/<ticket>`, shown from `transferring` on. Quirk kept from oVirt:
 * the disk id is carried in the deprecated `<image id>`, never in `<disk>`.
 *
 * @see ../../../../../shared/reference/ovirt-guests-api.md §3
 */
import type { ImageTransfer } from '../../../contract/image-transfers';
import type { OpInput } from '../../../contract/operations';
import { IMAGES_PREFIX } from '../../imageio/handler';
import { DateTime, type DocObject } from '../doc';
import { incompleteParameters } from '../fault';
import { bool, enumOf, type InputObject, int, ref } from '../input';
import { DISK_FORMATS } from './disk.mapper';
import { actionLinks, refTo } from './links';

export const IMAGE_TRANSFER_ACTIONS = ['cancel', 'extend', 'finalize', 'pause', 'resume'];

/** Phases before the ticket exists: no URLs yet. */
const NO_URL_PHASES = new Set(['unknown', 'initializing']);

/** `/imagetransfers/{id}`. `origin` is the engine's origin as the client reached it. */
export function imageTransferDoc(base: string, origin: string, t: ImageTransfer): DocObject {
  const href = `${base}/imagetransfers/${t.id}`;
  const url = NO_URL_PHASES.has(t.phase) ? undefined : `${origin}${IMAGES_PREFIX}${t.ticket}`;
  return {
    href,
    id: t.id,
    actions: actionLinks(href, IMAGE_TRANSFER_ACTIONS),
    active: t.active,
    direction: t.direction,
    format: t.format,
    inactivity_timeout: t.inactivityTimeout,
    phase: t.phase,
    proxy_url: url,
    shallow: t.shallow,
    timeout_policy: t.timeoutPolicy,
    transfer_url: url,
    transferred: t.transferred,
    host: t.hostId === null ? undefined : refTo(base, 'hosts', t.hostId),
    image: { id: t.diskId },
    creation_time: new DateTime(new Date(t.creationTime)),
  };
}

function idOf(o: InputObject, key: string): { id: string } | undefined {
  const r = ref(o, key);
  return r?.id === undefined ? undefined : { id: r.id };
}

/** `<image_transfer>` → AddImageTransfer: one of `disk.id`, `snapshot.id`, `image.id`. */
export function addImageTransferInput(o: InputObject): OpInput<'AddImageTransfer'> {
  const disk = idOf(o, 'disk');
  const image = idOf(o, 'image');
  const snapshot = idOf(o, 'snapshot');
  if (disk === undefined && image === undefined && snapshot === undefined) {
    throw incompleteParameters('ImageTransfer', ['disk.id|snapshot.id|image.id'], 'add');
  }
  const direction = enumOf(
    o,
    'direction',
    ['download', 'upload'] as const,
    'ImageTransferDirection',
  );
  const format = enumOf(o, 'format', DISK_FORMATS, 'DiskFormat');
  const inactivityTimeout = int(o, 'inactivity_timeout');
  const timeoutPolicy = enumOf(
    o,
    'timeout_policy',
    ['cancel', 'legacy', 'pause'] as const,
    'ImageTransferTimeoutPolicy',
  );
  const shallow = bool(o, 'shallow');
  const host = ref(o, 'host');
  return {
    ...(disk !== undefined ? { disk } : {}),
    ...(image !== undefined ? { image } : {}),
    ...(snapshot !== undefined ? { snapshot } : {}),
    ...(direction !== undefined ? { direction } : {}),
    ...(format !== undefined ? { format } : {}),
    ...(inactivityTimeout !== undefined ? { inactivityTimeout } : {}),
    ...(timeoutPolicy !== undefined ? { timeoutPolicy } : {}),
    ...(shallow !== undefined ? { shallow } : {}),
    ...(host !== undefined && (host.id !== undefined || host.name !== undefined) ? { host } : {}),
  };
}
