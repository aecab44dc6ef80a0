import { parseArgs } from 'node:util';
import { normalizeUsername } from '../auth/users/user-service.ts';
import { IntegrationError, type IntegrationInfo } from '../magento/integrations/index.ts';
import { magentoAuth } from '../magento/token-services/magento-auth.ts';
import { epochSeconds } from '../platform/clock.ts';
import type { Runtime } from '../runtime.ts';
import { isoTime, table, UsageError, type Output } from './output.ts';

export const INTEGRATIONS_HELP = `deputy integrations <command> [options] [--json]

Magento integrations (OAuth 1.0a consumers).

Commands:
  create --name NAME [--email E] [--callback-url URL] [--identity-link-url URL]
         (--resource ACL_ID ... | --all)      a new, inactive integration
  list                                       all integrations (never their secrets)
  activate ID|NAME|CONSUMER_KEY              with a callback URL: POSTs the consumer
                                             credentials and a verifier there; without:
                                             prints the four credentials once
  revoke ID|NAME|CONSUMER_KEY                its tokens stop working at once

Related (Magento admins and customers):
  deputy users totp-enroll --username NAME   prints the otpauth:// URI for the admin's app
  deputy users revoke-tokens --username NAME revokes every token issued to the user before now
  deputy users magento-role --username NAME --role ROLE   the admin's ACL role`;

function human(i: IntegrationInfo): Record<string, unknown> {
  return { id: i.id, name: i.name, status: i.status, consumer_key: i.consumerKey, resources: i.all ? 'all' : i.resources.join(','), callback: i.callbackUrl, created: isoTime(i.createdAt) };
}

function json(i: IntegrationInfo): Record<string, unknown> {
  return {
    id: i.id, name: i.name, email: i.email, status: i.status, consumer_key: i.consumerKey, resources: i.all ? 'all' : i.resources,
    callback_url: i.callbackUrl, identity_link_url: i.identityLinkUrl, created_at: isoTime(i.createdAt), activated_at: isoTime(i.activatedAt),
  };
}

/** `deputy integrations create|list|activate|revoke`. Returns the exit code. */
export async function integrationsCommand(rt: Runtime, argv: string[], out: Output): Promise<number> {
  const [sub, ...rest] = argv;
  const { values: v, positionals } = parseArgs({ args: rest, allowPositionals: true, options: {
    name: { type: 'string' }, email: { type: 'string' }, 'callback-url': { type: 'string' }, 'identity-link-url': { type: 'string' },
    resource: { type: 'string', multiple: true }, all: { type: 'boolean' }, json: { type: 'boolean' },
  } });
  const m = magentoAuth(rt);
  const target = () => { if (positionals.length !== 1) throw new UsageError(`integrations ${sub} takes one ID, name or consumer key`); return positionals[0]!; };
  try {
    switch (sub) {
      case 'create': {
        if (!v.name) throw new UsageError('--name is required');
        if (!!v.all === !!v.resource?.length) throw new UsageError('give --all or at least one --resource');
        const i = await m.integrations.create({ name: v.name, email: v.email, callbackUrl: v['callback-url'], identityLinkUrl: v['identity-link-url'], resources: v.all ? 'all' : v.resource! }, 'cli');
        out.result(json(i), () => `created integration ${i.name} (${i.id}), consumer key ${i.consumerKey}; activate it with: deputy integrations activate ${i.id}`);
        return 0;
      }
      case 'list': {
        const list = await m.integrations.list();
        out.result(list.map(json), () => table(list.map(human), ['id', 'name', 'status', 'consumer_key', 'resources', 'callback', 'created']));
        return 0;
      }
      case 'activate': {
        const r = await m.integrations.activate(target(), 'cli');
        const body = { integration: json(r.integration), ...(r.identityLink ? { identity_link: r.identityLink } : {}), ...(r.credentials ? { credentials: {
          consumer_key: r.credentials.consumerKey, consumer_secret: r.credentials.consumerSecret, access_token: r.credentials.accessToken, access_token_secret: r.credentials.accessTokenSecret,
        } } : {}) };
        out.result(body, () => r.credentials
          ? `activated ${r.integration.name}. Shown once, store them now:\n  consumer key        ${r.credentials.consumerKey}\n  consumer secret     ${r.credentials.consumerSecret}\n  access token        ${r.credentials.accessToken}\n  access token secret ${r.credentials.accessTokenSecret}`
          : `activated ${r.integration.name}: credentials and verifier sent to ${r.integration.callbackUrl}${r.identityLink ? `\nopen the identity link: ${r.identityLink}` : ''}`);
        return 0;
      }
      case 'revoke': {
        const i = await m.integrations.revoke(target(), 'cli');
        out.result(json(i), () => `revoked integration ${i.name}: its tokens no longer work`);
        return 0;
      }
      default:
        throw new UsageError(sub ? `unknown command integrations ${sub}` : 'give a command');
    }
  } catch (err) {
    if (err instanceof IntegrationError) { out.error(err.message); return 1; }
    throw err;
  }
}

export const MAGENTO_USER_COMMANDS = ['totp-enroll', 'revoke-tokens', 'magento-role'];

/** `deputy users totp-enroll|revoke-tokens|magento-role --username NAME [--role ROLE]`. */
export async function magentoUsersCommand(rt: Runtime, argv: string[], out: Output): Promise<number> {
  const [sub, ...rest] = argv;
  let v: { username?: string | undefined; role?: string | undefined };
  try {
    v = parseArgs({ args: rest, options: { username: { type: 'string' }, role: { type: 'string' }, json: { type: 'boolean' } } }).values;
  } catch (err) { out.error((err as Error).message); return 2; }
  if (!v.username) { out.error('--username is required'); return 2; }
  const m = magentoAuth(rt);
  const user = await m.users.findByUsername(normalizeUsername(v.username));
  if (!user) { out.error(`no user ${v.username}`); return 1; }
  switch (sub) {
    case 'totp-enroll': {
      if (user.type !== 'admin') { out.error('two-factor authentication is for admins'); return 1; }
      const uri = await m.totp.enroll(user);
      out.result({ username: user.username, otpauth_uri: uri }, () => `${uri}\nAdd it to an authenticator app (scan it as a QR code or paste it); earlier enrolments stop working.`);
      return 0;
    }
    case 'revoke-tokens': {
      const r = await m.tokens.revokeUserTokens(user, 'cli');
      out.result({ username: user.username, user_id: user.id, revoked_before: isoTime(r.before) }, () => `revoked every token issued to ${user.username} up to ${isoTime(r.before)}`);
      return 0;
    }
    case 'magento-role': {
      if (user.type !== 'admin') { out.error('roles are for admins'); return 1; }
      if (!v.role || !m.acl.roles.has(v.role)) { out.error(`--role must be one of: ${[...m.acl.roles.keys()].join(', ')}`); return 2; }
      await m.admins.upsert(user.id, { role: v.role }, epochSeconds(rt.clock));
      out.result({ username: user.username, role: v.role, acl: await m.tokens.adminAcl(user.id) }, () => `${user.username} now has role ${v.role} (new tokens only; revoke-tokens ends the current ones)`);
      return 0;
    }
    default:
      out.error(`unknown command users ${sub}`);
      return 2;
  }
}
