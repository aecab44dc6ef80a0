import { inputError } from './errors.ts';
import { prefixedToken } from '../platform/ids.ts';

// Fake card payments: a card is checked (Luhn, expiry) and replaced by an opaque token;
// only the token, the last four digits and the brand are kept. Never the number or CVV.

export const PAYMENT_METHODS = ['checkmo', 'deputy_card'] as const;

export interface TokenisedPayment { method: string; cardToken: string | null; cardLast4: string | null; cardBrand: string | null }

export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) { d *= 2; if (d > 9) d -= 9; }
    sum += d;
  }
  return sum % 10 === 0;
}

export function cardBrand(digits: string): string {
  if (digits.startsWith('4')) return 'VI';
  if (/^5[1-5]/.test(digits) || /^2[2-7]/.test(digits)) return 'MC';
  if (/^3[47]/.test(digits)) return 'AE';
  if (digits.startsWith('6011') || digits.startsWith('65')) return 'DI';
  return 'OT';
}

function field(data: Record<string, unknown>, name: string): string {
  const v = data[name];
  if (typeof v === 'string' || typeof v === 'number') return String(v).trim();
  throw inputError('"%fieldName" is required. Enter and try again.', { fieldName: `paymentMethod.additional_data.${name}` });
}

/** Validates `paymentMethod` from a payment-information body and tokenises any card. */
export function tokenisePayment(paymentMethod: unknown, now: Date): TokenisedPayment {
  if (typeof paymentMethod !== 'object' || paymentMethod === null) throw inputError('"%fieldName" is required. Enter and try again.', { fieldName: 'paymentMethod' });
  const pm = paymentMethod as Record<string, unknown>;
  const method = pm.method;
  if (typeof method !== 'string' || !(PAYMENT_METHODS as readonly string[]).includes(method)) {
    throw inputError('The requested Payment Method is not available.', { method: typeof method === 'string' ? method : '' });
  }
  if (method === 'checkmo') return { method, cardToken: null, cardLast4: null, cardBrand: null };
  const data = pm.additional_data;
  if (typeof data !== 'object' || data === null) throw inputError('"%fieldName" is required. Enter and try again.', { fieldName: 'paymentMethod.additional_data' });
  const d = data as Record<string, unknown>;
  const number = field(d, 'cc_number').replace(/[\s-]/g, '');
  if (!/^\d{12,19}$/.test(number) || !luhnValid(number)) throw inputError('Invalid credit card number.');
  const month = Number(field(d, 'cc_exp_month'));
  const year = Number(field(d, 'cc_exp_year'));
  if (!Number.isInteger(month) || month < 1 || month > 12 || !Number.isInteger(year) || year < 2000 || year > 2100) throw inputError('Invalid credit card expiration date.');
  const endOfMonth = Date.UTC(year, month, 1);
  if (endOfMonth <= now.getTime()) throw inputError('The credit card has expired.');
  return { method, cardToken: prefixedToken('tok', 16), cardLast4: number.slice(-4), cardBrand: cardBrand(number) };
}
