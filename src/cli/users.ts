import { parseArgs } from 'node:util';
import type { Runtime } from '../runtime.ts';
import { UserError, UserService, type UserInfo } from '../auth/users/user-service.ts';
import { MAGENTO_USER_COMMANDS, magentoUsersCommand } from './integrations.ts';
import type { Output } from './output.ts';

const USAGE = `usage: deputy users <command>
  create --username NAME --type customer|admin [--name "Full Name"] [--password-stdin]
         (password from --password-stdin or DEPUTY_USER_PASSWORD)
  list
  disable --username NAME
  totp-enroll --username NAME | revoke-tokens --username NAME | magento-role --username NAME --role ROLE`;

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

function row(u: UserInfo): string {
  return `${u.id}  ${u.type.padEnd(8)}  ${u.disabled ? 'disabled' : 'enabled '}  ${u.username}  (${u.name})`;
}

/**
 * `deputy users create|list|disable`. Returns the exit code; errors go to stderr.
 * Passwords are never taken from argv (visible in process lists and shell history).
 */
export async function usersCommand(
  rt: Runtime,
  args: string[],
  out: Output,
  io: { readPassword?: () => Promise<string>; env?: NodeJS.ProcessEnv } = {},
): Promise<number> {
  const [sub, ...rest] = args;
  if (sub && MAGENTO_USER_COMMANDS.includes(sub)) return magentoUsersCommand(rt, args, out);
  const users = new UserService(rt);
  let parsed;
  try {
    parsed = parseArgs({ args: rest, allowPositionals: false, options: {
      username: { type: 'string' }, name: { type: 'string' }, type: { type: 'string' }, 'password-stdin': { type: 'boolean' }, json: { type: 'boolean' },
    } });
  } catch (err) {
    out.error(`${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  const v = parsed.values;
  try {
    switch (sub) {
      case 'create': {
        if (!v.username || !v.type) { out.error(`--username and --type are required\n${USAGE}`); return 2; }
        if (v.type !== 'customer' && v.type !== 'admin') { out.error('--type must be customer or admin'); return 2; }
        const env = io.env ?? process.env;
        const password = v['password-stdin'] ? await (io.readPassword ?? readStdin)() : env.DEPUTY_USER_PASSWORD;
        if (!password) { out.error('give the password on stdin with --password-stdin, or in DEPUTY_USER_PASSWORD'); return 2; }
        const u = await users.create({ username: v.username, type: v.type, password, ...(v.name ? { name: v.name } : {}) });
        out.result(u, () => `created ${row(u)}`);
        return 0;
      }
      case 'list': {
        const list = await users.list();
        out.result(list, () => list.map(row).join('\n') || 'no users');
        return 0;
      }
      case 'disable': {
        if (!v.username) { out.error(`--username is required\n${USAGE}`); return 2; }
        const u = await users.disable(v.username);
        out.result(u, () => `disabled ${row(u)}`);
        return 0;
      }
      default:
        out.error(`${sub ? `unknown command users ${sub}\n` : ''}${USAGE}`);
        return 2;
    }
  } catch (err) {
    if (err instanceof UserError) { out.error(err.message); return 1; }
    throw err;
  }
}
