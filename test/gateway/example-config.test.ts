import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { validateConfig } from '../../src/config/schema.ts';
import { gatewayConfig } from '../../src/gateway/config.ts';
import { FILTERS } from '../../src/gateway/filters/index.ts';

const root = join(import.meta.dirname, '../..');

describe('documentation matches the code', () => {
  it('config/routes.example.yaml is a valid gateway section', () => {
    const raw = parse(readFileSync(join(root, 'config/routes.example.yaml'), 'utf8')) as Record<string, unknown>;
    const g = gatewayConfig(validateConfig(raw));
    assert.equal(g.routes.length, 7);
    assert.deepEqual(g.routes.find((r) => r.id === 'my-orders')!.forced.path, { customerId: '%customer_id%' });
  });
  it('docs/gateway.md lists every filter and every gateway config key', () => {
    const doc = readFileSync(join(root, 'docs/gateway.md'), 'utf8');
    for (const f of FILTERS) assert.ok(doc.includes(`\`${f.name}\``), `filter ${f.name} is not documented`);
    const src = readFileSync(join(root, 'src/gateway/config.ts'), 'utf8');
    const keys = /rejectUnknown\(g, 'gateway', \[([^\]]+)\]\)/.exec(src)![1]!.split(',').map((s) => s.trim().replace(/'/g, ''));
    const routeSrc = readFileSync(join(root, 'src/gateway/config-routes.ts'), 'utf8');
    const routeKeys = /const ROUTE_KEYS = \[([^\]]+)\]/.exec(routeSrc)![1]!.split(',').map((s) => s.trim().replace(/'/g, ''));
    for (const k of [...keys, ...routeKeys]) assert.ok(doc.includes(`\`${k}\``), `config key ${k} is not documented`);
  });
});
