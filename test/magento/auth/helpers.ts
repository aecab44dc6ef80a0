import { ManualClock } from '../../../src/platform/clock.ts';
import { UserService } from '../../../src/auth/users/user-service.ts';
import { magentoAuth } from '../../../src/magento/token-services/magento-auth.ts';
import type { Raw } from '../../../src/config/check.ts';
import { startAuthServer, type TestAuthServer } from '../../helpers/auth-server.ts';
import type { Store } from '../../../src/store/database.ts';

export const PASSWORD = 'correct horse battery';

/** An auth server with fast scrypt, a ManualClock, a customer and an admin. */
export async function magentoServer(magento: Raw = {}, opts: { store?: Store; config?: Raw } = {}): Promise<TestAuthServer & { clock: ManualClock; customerId: string; adminId: string }> {
  // Real time: OAuth 1.0a clients stamp their own timestamps.
  const clock = new ManualClock(Date.now());
  // These tests talk to the auth server directly, so OAuth 1.0a clients sign its URL.
  const withBase = (issuer: string): Raw => ({ ...magento, integrations: { storeBaseUrl: issuer, ...(magento.integrations as Raw | undefined) } });
  const srv = await startAuthServer({ clock, config: (issuer) => ({ users: { scrypt: { cost: 1024 } }, magento: withBase(issuer), ...opts.config }), ...(opts.store ? { store: opts.store } : {}) });
  const users = new UserService(srv.rt);
  const customer = await users.create({ username: 'carol@example.com', type: 'customer', password: PASSWORD });
  const admin = await users.create({ username: 'root', type: 'admin', password: PASSWORD });
  return Object.assign(srv, { clock, customerId: customer.id, adminId: admin.id });
}

export function claimsOf(token: string): { header: Record<string, unknown>; payload: Record<string, unknown> } {
  const [h, p] = token.split('.');
  return { header: JSON.parse(Buffer.from(h!, 'base64url').toString()), payload: JSON.parse(Buffer.from(p!, 'base64url').toString()) };
}

export { magentoAuth };
