import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ClientService } from '../auth/clients/client-service.ts';
import { sha256 } from '../crypto/hash.ts';
import { epochSeconds } from '../platform/clock.ts';
import { OAuthError } from '../platform/errors.ts';
import { prefixedToken } from '../platform/ids.ts';
import type { Runtime } from '../runtime.ts';
import { isoTime, table, UsageError, type Output } from './output.ts';

export const CLIENTS_HELP = `deputy clients <command> [options] [--json]

Commands:
  create --name NAME [metadata options]   register a client; prints its secret once
  list                                    all clients
  show CLIENT_ID                          one client's metadata
  update CLIENT_ID [metadata options]     change metadata (unset options keep their value)
  rotate-secret CLIENT_ID [--overlap SEC] new secret; the old one works for SEC more seconds
  disable CLIENT_ID | enable CLIENT_ID
  delete CLIENT_ID
  initial-token [--ttl SEC] [--uses N]    an initial access token for dynamic registration

Metadata options:
  --grant-types a,b        client_credentials, authorization_code, refresh_token, …
  --scope "s1 s2"          scopes the client may request (default: all)
  --resource URI           resources it may get tokens for (repeatable; default: all)
  --auth-method M          client_secret_basic (default), client_secret_post, private_key_jwt, none
  --redirect-uri URI       repeatable
  --jwks-uri URI | --jwks-file FILE   keys for private_key_jwt
  --application-type web|native
  --require-par            require pushed authorization requests

One client per agent per environment: never share a client between agents or between
staging and production, so each can be rotated, limited and revoked on its own.`;

const METADATA_OPTIONS = {
  name: { type: 'string' },
  'grant-types': { type: 'string' },
  scope: { type: 'string' },
  resource: { type: 'string', multiple: true },
  'auth-method': { type: 'string' },
  'redirect-uri': { type: 'string', multiple: true },
  'jwks-uri': { type: 'string' },
  'jwks-file': { type: 'string' },
  'application-type': { type: 'string' },
  'require-par': { type: 'boolean' },
  overlap: { type: 'string' },
  ttl: { type: 'string' },
  uses: { type: 'string' },
  json: { type: 'boolean' },
} as const;

type Values = ReturnType<typeof parseArgs<{ options: typeof METADATA_OPTIONS; allowPositionals: true }>>['values'];

function metadataFrom(v: Values, base: Record<string, unknown> = {}): Record<string, unknown> {
  const m: Record<string, unknown> = { ...base };
  if (v.name !== undefined) m.client_name = v.name;
  if (v['grant-types'] !== undefined) m.grant_types = v['grant-types'].split(',').map((s) => s.trim()).filter(Boolean);
  if (v.scope !== undefined) m.scope = v.scope;
  if (v.resource !== undefined) m.resources = v.resource;
  if (v['auth-method'] !== undefined) m.token_endpoint_auth_method = v['auth-method'];
  if (v['redirect-uri'] !== undefined) m.redirect_uris = v['redirect-uri'];
  if (v['application-type'] !== undefined) m.application_type = v['application-type'];
  if (v['require-par']) m.require_pushed_authorization_requests = true;
  if (v['jwks-uri'] !== undefined) { m.jwks_uri = v['jwks-uri']; delete m.jwks; }
  if (v['jwks-file'] !== undefined) { m.jwks = JSON.parse(readFileSync(v['jwks-file'], 'utf8')); delete m.jwks_uri; }
  return m;
}

function positiveInt(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value)) throw new UsageError(`--${name} must be a whole number of seconds`);
  return Number(value);
}

export async function clientsCommand(rt: Runtime, argv: string[], out: Output): Promise<number> {
  const { values: v, positionals } = parseArgs({ args: argv, options: METADATA_OPTIONS, allowPositionals: true, strict: true });
  const [cmd, id] = positionals;
  const clients = new ClientService({ repo: rt.repos.clients, clock: rt.clock, bus: rt.bus, auth: rt.config.auth });
  const need = () => { if (!id) throw new UsageError(`clients ${cmd} needs a CLIENT_ID`); return id; };
  try {
    switch (cmd) {
      case 'create': {
        if (!v.name) throw new UsageError('clients create needs --name');
        const created = await clients.create(metadataFrom(v), { createdBy: 'cli' });
        const body = { ...clients.describe(created.client), ...(created.clientSecret ? { client_secret: created.clientSecret } : {}) };
        out.result(body, () => `client_id:     ${created.client.clientId}\n${created.clientSecret ? `client_secret: ${created.clientSecret}\n(shown once; store it in the agent's secret store)` : '(no secret: this client authenticates without one or with its own keys)'}`);
        return 0;
      }
      case 'list': {
        const rows = (await clients.list()).map((c) => ({ client_id: c.clientId, name: c.metadata.client_name, auth: c.metadata.token_endpoint_auth_method, grants: c.metadata.grant_types.join(','), disabled: !!c.row.disabled, created: isoTime(c.row.created_at) }));
        out.result(rows, (r: typeof rows) => table(r, ['client_id', 'name', 'auth', 'grants', 'disabled', 'created']));
        return 0;
      }
      case 'show': {
        const c = await clients.get(need());
        if (!c) { out.error(`no client ${id}`); return 1; }
        out.result({ ...clients.describe(c), disabled: !!c.row.disabled, previous_secret_valid_until: c.row.previous_secret_expires_at });
        return 0;
      }
      case 'update': {
        const c = await clients.get(need());
        if (!c) { out.error(`no client ${id}`); return 1; }
        const updated = await clients.update(c.clientId, metadataFrom(v, { ...c.metadata }));
        out.result({ ...clients.describe(updated.client), ...(updated.clientSecret ? { client_secret: updated.clientSecret } : {}) });
        return 0;
      }
      case 'rotate-secret': {
        const r = await clients.rotateSecret(need(), positiveInt(v.overlap, 'overlap', rt.config.auth.clientAuth.secretRotationOverlap));
        out.result({ client_id: id, client_secret: r.clientSecret, previous_secret_valid_until: isoTime(r.previousValidUntil) },
          () => `client_secret: ${r.clientSecret}\nthe previous secret keeps working until ${isoTime(r.previousValidUntil)}`);
        return 0;
      }
      case 'disable':
      case 'enable': {
        await clients.setDisabled(need(), cmd === 'disable');
        out.result({ client_id: id, disabled: cmd === 'disable' }, () => `${id} ${cmd}d`);
        return 0;
      }
      case 'delete': {
        await clients.delete(need());
        out.result({ client_id: id, deleted: true }, () => `${id} deleted`);
        return 0;
      }
      case 'initial-token': {
        const ttl = positiveInt(v.ttl, 'ttl', 86_400);
        const uses = v.uses === undefined ? 1 : positiveInt(v.uses, 'uses', 1);
        const token = prefixedToken('dit', 32);
        const now = epochSeconds(rt.clock);
        await rt.repos.initialAccessTokens.insert(sha256(token), now, now + ttl, uses === 0 ? null : uses, null);
        out.result({ initial_access_token: token, expires_at: isoTime(now + ttl), uses: uses === 0 ? 'unlimited' : uses },
          () => `initial access token: ${token}\nvalid until ${isoTime(now + ttl)} for ${uses === 0 ? 'unlimited' : uses} registration(s)`);
        return 0;
      }
      default:
        throw new UsageError(cmd ? `unknown clients command ${cmd}` : 'clients needs a command');
    }
  } catch (err) {
    if (err instanceof OAuthError) { out.error(`${err.error}: ${err.description}`); return 1; }
    if ((err as { code?: string }).code === 'client_not_found') { out.error(`no client ${id}`); return 1; }
    throw err;
  }
}
