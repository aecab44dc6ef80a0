import { BlockList, isIP } from 'node:net';
import { ConfigError } from '../platform/errors.ts';
import type { IpRules } from './config.ts';

// IPv4/IPv6 address and CIDR lists on net.BlockList, and client-IP resolution that only
// believes X-Forwarded-For when the socket peer is a configured trusted proxy.

function family(ip: string): 'ipv4' | 'ipv6' | undefined {
  const f = isIP(ip);
  return f === 4 ? 'ipv4' : f === 6 ? 'ipv6' : undefined;
}

/** Unwraps IPv4-mapped IPv6 (::ffff:1.2.3.4) so v4 rules apply to dual-stack sockets. */
function canonicalIp(ip: string): string {
  const m = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  return m ? m[1]! : ip;
}

export function blockList(entries: readonly string[], path: string): BlockList | undefined {
  if (entries.length === 0) return undefined;
  const list = new BlockList();
  for (const e of entries) {
    const [addr, bits, extra] = e.split('/');
    const fam = addr ? family(addr) : undefined;
    const max = fam === 'ipv4' ? 32 : 128;
    if (!fam || extra !== undefined || (bits !== undefined && !(/^\d+$/.test(bits) && Number(bits) <= max))) {
      throw new ConfigError(path, `invalid IP address or CIDR ${JSON.stringify(e)}`);
    }
    if (bits === undefined) list.addAddress(addr!, fam);
    else list.addSubnet(addr!, Number(bits), fam);
  }
  return list;
}

export interface CompiledIpRules {
  allow: BlockList | undefined;
  deny: BlockList | undefined;
  /** Decisions by address (BlockList.check allocates; clients repeat). Bounded. */
  seen: Map<string, boolean>;
}

export function compileIpRules(rules: IpRules, path: string): CompiledIpRules | undefined {
  const c = { allow: blockList(rules.allow, `${path}.allow`), deny: blockList(rules.deny, `${path}.deny`), seen: new Map<string, boolean>() };
  return c.allow || c.deny ? c : undefined;
}

function decide(rules: CompiledIpRules, ip: string): boolean {
  const fam = family(ip);
  if (!fam) return true;
  if (rules.deny?.check(ip, fam)) return true;
  return rules.allow !== undefined && !rules.allow.check(ip, fam);
}

/** Denied when on the deny list, or when an allow list exists and the address is not on it. */
export function ipDenied(rules: CompiledIpRules, ip: string): boolean {
  let d = rules.seen.get(ip);
  if (d === undefined) {
    d = decide(rules, ip);
    if (rules.seen.size >= 10_000) rules.seen.clear();
    rules.seen.set(ip, d);
  }
  return d;
}

/**
 * The client address: the socket peer, unless the peer is a trusted proxy; then the
 * right-most X-Forwarded-For entry that is not itself a trusted proxy.
 */
export function resolveClientIp(peer: string, xff: string | string[] | undefined, trusted: BlockList | undefined): string {
  let ip = canonicalIp(peer);
  if (!trusted || xff === undefined) return ip;
  const isTrusted = (a: string) => { const f = family(a); return f !== undefined && trusted.check(a, f); };
  if (!isTrusted(ip)) return ip;
  const hops = (Array.isArray(xff) ? xff.join(',') : xff).split(',').map((s) => canonicalIp(s.trim()));
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hops[i]!;
    if (!family(hop)) return ip; // garbage: stop at the last address we could trust
    ip = hop;
    if (!isTrusted(hop)) return hop;
  }
  return ip;
}
