import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { stringify } from 'yaml';
import { readConfigFile } from '../../src/config/load.ts';
import { validateConfig } from '../../src/config/schema.ts';
import { call, gatewayConfig, startGateway, startIssuer, startUpstream, type Gateway, type Issuer, type Upstream } from './helpers.ts';

const anon = (id: string, path: string) => ({ id, path, upstream: 'shop', permission: { anonymous: true } });

describe('configuration reload', () => {
  let issuer: Issuer; let up: Upstream; let gw: Gateway; let file: string;
  const config = (routes: unknown[]) => ({ masterKey: Buffer.alloc(32, 3).toString('base64'), gateway: gatewayConfig(issuer, up, routes) });
  before(async () => {
    issuer = await startIssuer();
    up = await startUpstream();
    file = join(mkdtempSync(join(tmpdir(), 'deputy-gw-reload-')), 'deputy.yaml');
    writeFileSync(file, stringify(config([anon('old', '/rest/V1/old'), anon('delay', '/rest/V1/delay')])));
    gw = await startGateway(config([anon('old', '/rest/V1/old'), anon('delay', '/rest/V1/delay')]).gateway, {
      gatewayOptions: { watch: { file, load: () => validateConfig(readConfigFile(file)), sighup: false } },
    });
  });
  after(async () => { await gw.close(); await up.close(); await issuer.close(); });

  it('swaps routes without dropping a request in flight', async () => {
    const inFlight = call(`${gw.url}/rest/V1/delay`);
    await new Promise((r) => setTimeout(r, 50));
    await gw.gw.reload(validateConfig(config([anon('new', '/rest/V1/new')])));
    const r = await inFlight;
    assert.equal(r.status, 200);
    assert.deepEqual(r.json(), { delayed: true });
    assert.equal((await call(`${gw.url}/rest/V1/new`)).status, 200);
    assert.equal((await call(`${gw.url}/rest/V1/old`)).status, 404);
  });

  it('an invalid config is refused and the running routes stay', async () => {
    await assert.rejects(gw.gw.reload(validateConfig(config([{ path: '/rest/V1/x', upstream: 'nowhere' }]))), { message: /gateway\.routes\[0\]\.upstream: unknown upstream "nowhere"/ });
    assert.equal((await call(`${gw.url}/rest/V1/new`)).status, 200);
  });

  it('reloads when the config file changes', async () => {
    writeFileSync(file, stringify(config([anon('from-file', '/rest/V1/from-file')])));
    const end = Date.now() + 4000;
    let status = 0;
    while (Date.now() < end && (status = (await call(`${gw.url}/rest/V1/from-file`)).status) !== 200) await new Promise((r) => setTimeout(r, 100));
    assert.equal(status, 200);
    assert.equal((await call(`${gw.url}/rest/V1/new`)).status, 404);
  });
});
