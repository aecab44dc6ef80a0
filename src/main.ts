#!/usr/bin/env node
// Deputy CLI: `deputy <command> [options] [--json]`.
import { apikeysCommand, APIKEYS_HELP } from './cli/apikeys.ts';
import { auditCommand, AUDIT_HELP } from './cli/audit.ts';
import { clientsCommand, CLIENTS_HELP } from './cli/clients.ts';
import { keysCommand, KEYS_HELP } from './cli/keys.ts';
import { integrationsCommand, INTEGRATIONS_HELP } from './cli/integrations.ts';
import { createOutput, UsageError, type Output } from './cli/output.ts';
import { startCommand, START_HELP } from './cli/start.ts';
import { usersCommand } from './cli/users.ts';
import { loadConfig } from './config/load.ts';
import { ConfigError } from './platform/errors.ts';
import { createLogger } from './platform/logger.ts';
import { createRuntime, type Runtime } from './runtime.ts';

const HELP = `Deputy — the security layer for agentic commerce

Usage: deputy <command> [options] [--json]

Commands:
  start      run the roles (auth, gateway, shop, mcp)
  migrate    apply database migrations
  clients    manage OAuth clients (one per agent per environment)
  keys       list, rotate and retire signing keys
  audit      query the audit log
  apikeys    gateway API keys for callers that cannot do OAuth
  users      manage people (customers and admins)
  integrations  Magento integrations (OAuth 1.0a consumers)

Every command takes --help and --json. Configuration: DEPUTY_CONFIG (YAML) and the
environment variables listed in README.md. Errors go to stderr; exit code 2 means a
configuration or usage error.`;

type Command = { help: string; run: (rt: Runtime, argv: string[], out: Output) => Promise<number> };

const commands: Record<string, Command> = {
  start: { help: START_HELP, run: startCommand },
  migrate: { help: 'deputy migrate [--json]\n\nApplies pending database migrations (start does this too).', run: async (_rt, _argv, out) => { out.result({ migrated: true }, () => 'database is up to date'); return 0; } },
  clients: { help: CLIENTS_HELP, run: clientsCommand },
  keys: { help: KEYS_HELP, run: keysCommand },
  audit: { help: AUDIT_HELP, run: auditCommand },
  apikeys: { help: APIKEYS_HELP, run: apikeysCommand },
  integrations: { help: INTEGRATIONS_HELP, run: integrationsCommand },
  users: {
    help: 'deputy users create --username NAME --type customer|admin [--name "Full Name"] [--password-stdin]\n       deputy users list | disable --username NAME\n       deputy users totp-enroll | revoke-tokens --username NAME\n       deputy users magento-role --username NAME --role ROLE\n\nThe password comes from --password-stdin or DEPUTY_USER_PASSWORD, never from argv.',
    run: usersCommand,
  },
};

async function main(argv: string[]): Promise<number> {
  const json = argv.includes('--json');
  const out = createOutput(json);
  const [name, ...rest] = argv.filter((a) => a !== '--json');
  if (!name || name === '--help' || name === '-h' || name === 'help') { process.stdout.write(HELP + '\n'); return name ? 0 : 2; }
  const command = commands[name];
  if (!command) { out.error(`unknown command ${name}; see deputy --help`); return 2; }
  if (rest.includes('--help') || rest.includes('-h')) { process.stdout.write(command.help + '\n'); return 0; }
  let rt: Runtime | undefined;
  try {
    const config = loadConfig(process.env);
    // The server logs JSON to stdout; one-shot commands only log warnings, to stderr.
    const log = name === 'start' ? createLogger({ level: config.logLevel }) : createLogger({ level: 'warn', destination: process.stderr });
    // Only servers start signer threads; a one-shot command has no request path to spare.
    rt = await createRuntime(config, log, name === 'start' ? {} : { signerThreads: 0 });
    return await command.run(rt, rest, out);
  } catch (err) {
    if (err instanceof ConfigError) { out.error(err.message); return 2; }
    if (err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) { out.error(`${(err as Error).message}\n\n${command.help}`); return 2; }
    out.error((err as Error).message ?? String(err));
    return 1;
  } finally {
    await rt?.close();
  }
}

process.exitCode = await main(process.argv.slice(2));
