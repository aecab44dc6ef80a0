// Minimal declarations for bench-only packages that ship no types.
declare module 'oidc-provider' {
  import type { Server } from 'node:http';
  export default class Provider {
    constructor(issuer: string, config: Record<string, unknown>);
    proxy: boolean;
    listen(port: number, host: string): Server;
  }
}
declare module 'autocannon' {
  namespace autocannon {
    interface Options { url: string; method?: 'GET' | 'POST' | 'PUT' | 'DELETE'; body?: string; headers?: Record<string, string>; connections?: number; duration?: number; pipelining?: number; requests?: Array<{ setupRequest(req: { headers?: Record<string, string> }): { headers: Record<string, string> } }> }
    interface Histogram { average: number; p50: number; p99: number; total: number }
    interface Result { requests: Histogram; latency: Histogram; non2xx: number; errors: number; timeouts: number }
  }
  function autocannon(opts: autocannon.Options): Promise<autocannon.Result>;
  export default autocannon;
}
