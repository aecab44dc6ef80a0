import type { FilterFactory } from '../filter.ts';
import { authenticate } from './authenticate.ts';
import { clientIpFilter } from './client-ip-filter.ts';
import { forward } from './forward.ts';
import { ipFilter } from './ip-filter.ts';
import { maskResponse } from './mask-response.ts';
import { rateLimit } from './rate-limit.ts';
import { requestTransform } from './request-transform.ts';
import { routePermission } from './route-permission.ts';
import { sizeLimit } from './size-limit.ts';
import { oauth1Authenticate } from './oauth1-authenticate.ts';
import { sessionAuthenticate } from './session-authenticate.ts';
import { webapiPermission } from './webapi-permission.ts';

/** Every filter, in the standard order a route's chain uses unless it lists its own. */
export const FILTERS: readonly FilterFactory[] = [
  ipFilter,
  sizeLimit,
  oauth1Authenticate,
  sessionAuthenticate,
  authenticate,
  clientIpFilter,
  routePermission,
  webapiPermission,
  rateLimit,
  requestTransform,
  maskResponse,
  forward,
];
