import type { FastifyInstance } from 'fastify';
import { epochSeconds } from '../../platform/clock.ts';
import { currentCustomer } from '../access.ts';
import { validEmail, type ShopServices } from '../cart-service.ts';
import { inputError } from '../errors.ts';
import { customerJson } from '../format.ts';
import { identityOf } from '../identity.ts';

function name(v: unknown, field: string): string {
  // Printable text only: names end up in emails and admin pages.
  if (typeof v !== 'string' || v.trim() === '' || v.length > 255 || /[\p{Cc}<>]/u.test(v)) {
    throw inputError('"%fieldName" is required. Enter and try again.', { fieldName: field });
  }
  return v.trim();
}

export function customerRoutes(app: FastifyInstance, s: ShopServices): void {
  app.get('/customers/me', async (request) => customerJson(await currentCustomer(s, identityOf(request))));

  app.put('/customers/me', async (request) => {
    const me = await currentCustomer(s, identityOf(request));
    const body = request.body as { customer?: unknown } | null;
    const c = body?.customer;
    if (typeof c !== 'object' || c === null || Array.isArray(c)) throw inputError('"%fieldName" is required. Enter and try again.', { fieldName: 'customer' });
    const input = c as Record<string, unknown>;
    // The id is forced to the caller's own; naming another customer is refused, not ignored.
    if (input.id !== undefined && Number(input.id) !== me.id) throw inputError('A customer can only update their own account.');
    const email = input.email ?? me.email;
    if (!validEmail(email)) throw inputError('"%value" uses an invalid email format.', { value: typeof email === 'string' ? email.slice(0, 254) : '' });
    const patch = { email, firstname: name(input.firstname ?? me.firstname, 'firstname'), lastname: name(input.lastname ?? me.lastname, 'lastname') };
    await s.customers.update(me.id, patch, epochSeconds(s.clock));
    return customerJson({ ...me, ...patch, updated_at: epochSeconds(s.clock) });
  });
}
