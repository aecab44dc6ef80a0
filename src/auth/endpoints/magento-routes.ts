import type { FastifyInstance } from 'fastify';
import { magentoAuth, type MagentoAuth } from '../../magento/token-services/magento-auth.ts';
import { epochSeconds } from '../../platform/clock.ts';
import type { Runtime } from '../../runtime.ts';
import type { People } from '../ui/people-context.ts';
import { registerMagentoAdminPages } from './magento-admin.ts';
import { registerMagentoOAuthEndpoints } from './magento-oauth.ts';
import { registerMagentoTokenEndpoints } from './magento-token.ts';

/** Everything Magento on the auth server: token services, 2FA, OAuth 1.0a, admin pages. */
export async function registerMagentoRoutes(app: FastifyInstance, rt: Runtime, people: People): Promise<void> {
  const m = magentoAuth(rt);
  await registerMagentoTokenEndpoints(app, m);
  await registerMagentoOAuthEndpoints(app, m);
  await registerMagentoAdminPages(app, m, people);
  const timer = setInterval(() => void purge(m), PURGE_EVERY_MS);
  timer.unref();
  app.addHook('onClose', async () => clearInterval(timer));
}

const PURGE_EVERY_MS = 10 * 60 * 1000;

/** Drops expired request tokens and lockout rows that no longer count. */
export async function purge(m: MagentoAuth): Promise<void> {
  const now = epochSeconds(m.rt.clock);
  try {
    await m.integrations.tokens.purgeExpired(now);
    await m.lockout.purgeStale(now);
  } catch (err) {
    m.rt.log.error({ err }, 'magento: purge failed');
  }
}
