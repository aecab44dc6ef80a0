import { parseArgs } from 'node:util';
import { ApiKeyStore } from '../gateway/api-keys.ts';
import { epochSeconds } from '../platform/clock.ts';
import type { Runtime } from '../runtime.ts';
import { isoTime, table, UsageError, type Output } from './output.ts';

export const APIKEYS_HELP = `deputy apikeys <command> [options] [--json]

Commands:
  create --name NAME --client CLIENT_ID --scope "s1 s2" [--ttl SEC] [--resource URI]...
         [--subject USER_ID] [--rate-limit CLASS] [--acl ID]...
                          a gateway API key (dpk_…); printed once, stored as a SHA-256 hash
  list [--client CLIENT_ID]
  revoke KEY_ID           gateways stop accepting it within their cache period (10 s)

API keys are for callers that cannot do OAuth; they always expire (default 90 days).`;

export async function apikeysCommand(rt: Runtime, argv: string[], out: Output): Promise<number> {
  const { values: v, positionals } = parseArgs({ args: argv, allowPositionals: true, options: {
    name: { type: 'string' }, client: { type: 'string' }, scope: { type: 'string' }, ttl: { type: 'string' }, resource: { type: 'string', multiple: true },
    subject: { type: 'string' }, 'rate-limit': { type: 'string' }, acl: { type: 'string', multiple: true }, json: { type: 'boolean' },
  } });
  const [cmd, id] = positionals;
  const store = new ApiKeyStore(rt.store.db as never);
  const now = epochSeconds(rt.clock);
  switch (cmd) {
    case 'create': {
      if (!v.name || !v.client || !v.scope) throw new UsageError('apikeys create needs --name, --client and --scope');
      if (v.ttl !== undefined && !/^[1-9]\d*$/.test(v.ttl)) throw new UsageError('--ttl must be a positive number of seconds');
      for (const r of v.resource ?? []) if (!rt.config.auth.resources.some((x) => x.id === r)) throw new UsageError(`unknown resource ${r}`);
      const { key, record } = await store.create({
        name: v.name, clientId: v.client, scope: v.scope, ttl: v.ttl ? Number(v.ttl) : 90 * 86_400,
        resources: v.resource ?? rt.config.auth.resources.map((r) => r.id),
        ...(v.subject ? { subject: v.subject } : {}), ...(v['rate-limit'] ? { rateLimit: v['rate-limit'] } : {}), ...(v.acl ? { acl: v.acl } : {}),
      }, now);
      out.result({ api_key: key, id: record.id, expires_at: isoTime(record.expiresAt) }, () => `api key: ${key}\nid ${record.id}, valid until ${isoTime(record.expiresAt)} (shown once)`);
      return 0;
    }
    case 'list': {
      const rows = (await store.list(v.client)).map((k) => ({ id: k.id, name: k.name, client_id: k.clientId, scope: k.scope, expires: isoTime(k.expiresAt), revoked: isoTime(k.revokedAt) }));
      out.result(rows, (r: typeof rows) => table(r, ['id', 'name', 'client_id', 'scope', 'expires', 'revoked']));
      return 0;
    }
    case 'revoke': {
      if (!id) throw new UsageError('apikeys revoke needs a KEY_ID');
      if (!(await store.revoke(id, now))) { out.error(`no active api key ${id}`); return 1; }
      rt.audit.record({ time: now, action: 'apikey.revoked', outcome: 'success', detail: { id } });
      out.result({ id, revoked: true }, () => `${id} revoked`);
      return 0;
    }
    default: throw new UsageError(cmd ? `unknown apikeys command ${cmd}` : 'apikeys needs a command');
  }
}
