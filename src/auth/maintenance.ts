import { epochSeconds } from '../platform/clock.ts';
import type { Runtime } from '../runtime.ts';

/**
 * Deletes revocation entries and private_key_jwt assertion ids whose tokens have
 * expired: both are only needed until then, and both grow with traffic.
 */
export async function purgeExpiredTokenState(rt: Runtime): Promise<{ revocations: number }> {
  const now = epochSeconds(rt.clock);
  const revocations = await rt.repos.revocations.purgeExpired(now);
  await rt.repos.assertionJtis.purgeExpired(now);
  return { revocations };
}

/** The auth server's periodic work: key reload (rotations by other processes) and purge. */
export function startMaintenance(rt: Runtime, opts: { keyReloadMs?: number; purgeMs?: number } = {}): () => void {
  const reload = setInterval(() => { rt.keys.load().catch((err: unknown) => rt.log.error({ err }, 'keys: reload failed')); }, opts.keyReloadMs ?? 30_000);
  const purge = setInterval(() => { purgeExpiredTokenState(rt).catch((err: unknown) => rt.log.warn({ err }, 'purge of expired token state failed')); }, opts.purgeMs ?? 10 * 60_000);
  reload.unref();
  purge.unref();
  return () => { clearInterval(reload); clearInterval(purge); };
}
