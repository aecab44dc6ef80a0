import { parseArgs } from 'node:util';
import { SIGNING_ALGORITHMS, type SigningAlgorithm } from '../config/schema.ts';
import { KeyError } from '../crypto/signing-keys.ts';
import type { Runtime } from '../runtime.ts';
import { isoTime, table, UsageError, type Output } from './output.ts';

export const KEYS_HELP = `deputy keys <command> [options] [--json]

Commands:
  list                              keys with their state (pending, active, retiring, expired)
  rotate [--delay SEC] [--alg ALG]  publish a new key now; it signs after SEC seconds
                                    (default keys.activationDelay); the current key stops
                                    signing then and stays in JWKS until its tokens expire
  retire KID [--immediately]        stop a key signing now; --immediately also withdraws it
                                    from JWKS so its tokens stop verifying (compromise)
  purge                             delete keys that have left JWKS`;

export async function keysCommand(rt: Runtime, argv: string[], out: Output): Promise<number> {
  const { values: v, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { delay: { type: 'string' }, alg: { type: 'string' }, immediately: { type: 'boolean' }, json: { type: 'boolean' } } });
  const [cmd, kid] = positionals;
  const show = () => {
    const rows = rt.keys.list().map((k) => ({ kid: k.kid, alg: k.alg, state: k.state, activates: isoTime(k.activatesAt), retired: isoTime(k.retiredAt), leaves_jwks: isoTime(k.expiresAt) }));
    out.result(rows, (r: typeof rows) => table(r, ['kid', 'alg', 'state', 'activates', 'retired', 'leaves_jwks']));
  };
  try {
    switch (cmd) {
      case 'list': show(); return 0;
      case 'rotate': {
        if (v.delay !== undefined && !/^\d+$/.test(v.delay)) throw new UsageError('--delay must be a whole number of seconds');
        if (v.alg !== undefined && !(SIGNING_ALGORITHMS as readonly string[]).includes(v.alg)) throw new UsageError(`--alg must be one of ${SIGNING_ALGORITHMS.join(', ')}`);
        await rt.keys.rotate({ ...(v.delay !== undefined ? { delay: Number(v.delay) } : {}), ...(v.alg ? { algorithm: v.alg as SigningAlgorithm } : {}) });
        await rt.bus.publish({ type: 'keys.changed' });
        show();
        return 0;
      }
      case 'retire': {
        if (!kid) throw new UsageError('keys retire needs a KID');
        await rt.keys.retire(kid, { immediately: v.immediately === true });
        await rt.bus.publish({ type: 'keys.changed' });
        show();
        return 0;
      }
      case 'purge': {
        const n = await rt.keys.purge();
        out.result({ purged: n }, () => `${n} key(s) deleted`);
        return 0;
      }
      default: throw new UsageError(cmd ? `unknown keys command ${cmd}` : 'keys needs a command');
    }
  } catch (err) {
    if (err instanceof KeyError) { out.error(err.message); return 1; }
    throw err;
  }
}
