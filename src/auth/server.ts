import type { FastifyInstance } from 'fastify';
import { createHttpServer } from '../platform/http.ts';
import type { Runtime } from '../runtime.ts';
import { registerIntrospectionEndpoint } from './endpoints/introspection.ts';
import { registerJwksEndpoint } from './endpoints/jwks.ts';
import { registerMagentoRoutes } from './endpoints/magento-routes.ts';
import { registerMetadataEndpoints } from './endpoints/metadata.ts';
import { oauthScope } from './endpoints/oauth-plugin.ts';
import { registerRegistrationEndpoints } from './endpoints/registration.ts';
import { registerRevocationEndpoint } from './endpoints/revocation.ts';
import { registerTokenEndpoint } from './endpoints/token.ts';
import { startMaintenance } from './maintenance.ts';
import { createAuthServices, type AuthServices } from './services.ts';
import { registerPeopleRoutes } from './ui/index.ts';

/** The authorization server (role `auth`). Not listening yet: the caller decides where. */
export async function createAuthServer(rt: Runtime): Promise<{ app: FastifyInstance; services: AuthServices; close(): Promise<void> }> {
  const services = createAuthServices(rt);
  const app = createHttpServer({
    log: rt.log.child({ role: 'auth' }),
    name: 'auth',
    bodyLimit: rt.config.bodyLimit,
    readiness: [async () => { await rt.store.db.selectFrom('signing_keys').select('kid').limit(1).execute(); return true; }],
  });
  registerMetadataEndpoints(app, services);
  registerJwksEndpoint(app, services);
  registerRegistrationEndpoints(app, services);
  const people = await registerPeopleRoutes(app, rt, services);
  await registerMagentoRoutes(app, rt, people);
  await oauthScope(app, (scope) => {
    registerTokenEndpoint(scope, services);
    registerRevocationEndpoint(scope, services);
    registerIntrospectionEndpoint(scope, services);
  });
  // Keys may be rotated by another process or the CLI; expired revocations pile up.
  const stopMaintenance = startMaintenance(rt);
  const unsubscribe = rt.bus.subscribe((e) => { if (e.type === 'keys.changed') void rt.keys.load().catch(() => undefined); });
  return { app, services, close: async () => { stopMaintenance(); unsubscribe(); await app.close(); } };
}
