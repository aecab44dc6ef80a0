import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP, type LookupFunction } from 'node:net';
import { Agent, request } from 'undici';
import { hostAllowed, isPrivateAddress } from './address-policy.ts';

// Activation callback: POSTs the consumer credentials to the integration's endpoint.
// The host must be on the allowlist; every address it resolves to is checked and the
// connection goes to the checked address (no second DNS answer can rebind it); no
// redirect is followed; the whole exchange has one deadline.

export type CallbackFailure = 'bad_url' | 'host_not_allowed' | 'blocked_address' | 'unresolvable' | 'unreachable' | 'timeout' | 'redirect' | 'bad_status';

export class CallbackError extends Error {
  readonly code: CallbackFailure;
  constructor(code: CallbackFailure, message: string) { super(message); this.code = code; }
}

export interface CallbackPolicy {
  allowlist: readonly string[];
  allowPrivate: boolean;
  timeoutMs: number;
  /** Resolver (tests inject one to simulate DNS answers). */
  resolve?: (host: string) => Promise<string[]>;
}

const systemResolve = async (host: string): Promise<string[]> => (await dnsLookup(host, { all: true, verbatim: true })).map((a) => a.address);

/** Checks a callback or identity-link URL's shape: absolute http(s), no credentials, no fragment. */
export function checkCallbackUrl(value: string): URL {
  let u: URL;
  try { u = new URL(value); } catch { throw new CallbackError('bad_url', `not an absolute URL: ${value}`); }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new CallbackError('bad_url', 'the URL must use http or https');
  if (u.username || u.password) throw new CallbackError('bad_url', 'the URL must not carry credentials');
  if (u.hash) throw new CallbackError('bad_url', 'the URL must not contain a fragment');
  return u;
}

/** Resolves and checks the destination; returns the address to connect to. */
export async function checkDestination(url: URL, policy: CallbackPolicy): Promise<{ address: string; family: 4 | 6 }> {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (!hostAllowed(host, policy.allowlist)) throw new CallbackError('host_not_allowed', `callback host ${host} is not in magento.integrations.callbackAllowlist`);
  let addresses: string[];
  if (isIP(host)) addresses = [host];
  else {
    try { addresses = await (policy.resolve ?? systemResolve)(host); } catch { throw new CallbackError('unresolvable', `cannot resolve ${host}`); }
  }
  if (addresses.length === 0) throw new CallbackError('unresolvable', `cannot resolve ${host}`);
  if (!policy.allowPrivate) {
    const bad = addresses.find((a) => isPrivateAddress(a));
    if (bad !== undefined) throw new CallbackError('blocked_address', `callback host ${host} resolves to a loopback or private address (${bad})`);
  }
  const address = addresses[0]!;
  return { address, family: isIP(address) === 6 ? 6 : 4 };
}

/** POSTs the form to `url` under the policy; resolves when the endpoint answered 2xx. */
export async function postCallback(urlText: string, form: Record<string, string>, policy: CallbackPolicy): Promise<void> {
  const url = checkCallbackUrl(urlText);
  const pinned = await checkDestination(url, policy);
  const lookup: LookupFunction = (_hostname, options, callback) => {
    if (options.all) (callback as unknown as (e: null, a: Array<{ address: string; family: number }>) => void)(null, [pinned]);
    else callback(null, pinned.address, pinned.family);
  };
  const agent = new Agent({ connect: { lookup, timeout: policy.timeoutMs }, headersTimeout: policy.timeoutMs, bodyTimeout: policy.timeoutMs });
  const signal = AbortSignal.timeout(policy.timeoutMs);
  try {
    const res = await request(url, {
      method: 'POST', dispatcher: agent, signal,
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'user-agent': 'Deputy-Integrations/1' },
      body: new URLSearchParams(form).toString(),
    });
    await res.body.dump({ limit: 64 * 1024 }).catch(() => undefined);
    if (res.statusCode >= 300 && res.statusCode < 400) throw new CallbackError('redirect', `the callback answered ${res.statusCode} (redirects are not followed)`);
    if (res.statusCode < 200 || res.statusCode >= 300) throw new CallbackError('bad_status', `the callback answered ${res.statusCode}`);
  } catch (err) {
    if (err instanceof CallbackError) throw err;
    if (signal.aborted || (err as { code?: string }).code?.startsWith('UND_ERR_') && /TIMEOUT/.test((err as { code: string }).code)) throw new CallbackError('timeout', `the callback did not answer within ${policy.timeoutMs} ms`);
    throw new CallbackError('unreachable', `cannot reach the callback: ${(err as { code?: string }).code ?? (err as Error).message}`);
  } finally {
    await agent.destroy().catch(() => undefined);
  }
}
