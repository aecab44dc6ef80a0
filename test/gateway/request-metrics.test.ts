import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Counter, Histogram, Registry } from 'prom-client';
import { RequestCounter, RouteHistogram } from '../../src/gateway/request-metrics.ts';

// The gateway's per-request collectors must expose exactly what prom-client's own
// Counter and Histogram would for the same observations.

const BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const OBS: Array<[string, string, number, 'allow' | 'deny', number]> = [
  ['products', 'GET', 200, 'allow', 0.0004], ['products', 'GET', 200, 'allow', 0.001], ['products', 'GET', 200, 'allow', 0.0011],
  ['products', 'POST', 403, 'deny', 0.02], ['none', 'GET', 404, 'deny', 0.00002], ['orders', 'GET', 200, 'allow', 12],
  ['orders', 'GET', 502, 'deny', 0.3], ['products', 'GET', 200, 'allow', 0.0099],
];

test('request counter and latency histogram expose what prom-client would', async () => {
  const ours = new Registry();
  const counter = new RequestCounter({ name: 'deputy_gateway_requests_total', help: 'Requests', registry: ours });
  const histogram = new RouteHistogram({ name: 'deputy_gateway_request_duration_seconds', help: 'Latency', buckets: BUCKETS, registry: ours });
  const theirs = new Registry();
  const pc = new Counter({ name: 'deputy_gateway_requests_total', help: 'Requests', labelNames: ['route', 'method', 'status', 'decision'], registers: [theirs] });
  const ph = new Histogram({ name: 'deputy_gateway_request_duration_seconds', help: 'Latency', labelNames: ['route'], buckets: BUCKETS, registers: [theirs] });
  for (const [route, method, status, decision, seconds] of OBS) {
    counter.inc(route, method, status, decision);
    histogram.observe(route, seconds);
    pc.inc({ route, method, status, decision });
    ph.observe({ route }, seconds);
  }
  const got = await ours.metrics();
  assert.equal(got, await theirs.metrics());
  assert.match(got, /deputy_gateway_requests_total\{route="products",method="GET",status="200",decision="allow"\} 4/);
  assert.match(got, /deputy_gateway_request_duration_seconds_bucket\{le="0\.001",route="products"\} 2/);
  assert.match(got, /deputy_gateway_request_duration_seconds_bucket\{le="\+Inf",route="orders"\} 2/);
  assert.match(got, /deputy_gateway_request_duration_seconds_count\{route="products"\} 5/);
  ours.resetMetrics();
  assert.doesNotMatch(await ours.metrics(), /route=/);
});
