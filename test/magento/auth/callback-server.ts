import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

/** A local integration endpoint: records callback POSTs; routes can be overridden per test. */
export async function startCallbackServer(handlers: Record<string, (req: IncomingMessage, res: ServerResponse) => void> = {}): Promise<{ base: string; posts: Array<{ path: string; form: Record<string, string> }>; hits: Map<string, number>; close(): Promise<void> }> {
  const posts: Array<{ path: string; form: Record<string, string> }> = [];
  const hits = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    hits.set(path, (hits.get(path) ?? 0) + 1);
    const custom = handlers[path];
    if (custom) { custom(req, res); return; }
    let body = '';
    req.on('data', (c: Buffer) => { body += c.toString('utf8'); });
    req.on('end', () => {
      posts.push({ path, form: Object.fromEntries(new URLSearchParams(body)) });
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  return {
    base: `http://127.0.0.1:${port}`, posts, hits,
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}
