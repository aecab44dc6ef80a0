import { createHmac } from 'node:crypto';
import { safeEqual } from '../../crypto/hash.ts';

// Synchronizer token bound to the session: HMAC of a fixed label keyed by the session's
// secret cookie value. A cross-site attacker can neither read the cookie nor the page,
// so cannot produce it; the server stores nothing extra.

export function csrfToken(sessionToken: string): string {
  return createHmac('sha256', sessionToken).update('deputy csrf v1').digest('base64url');
}

export function checkCsrf(sessionToken: string | undefined, presented: string | undefined): boolean {
  if (!sessionToken || !presented) return false;
  return safeEqual(csrfToken(sessionToken), presented);
}
