/** Minimal HTTP helpers for tests: real requests to 127.0.0.1, exact responses back. */
export interface Res { status: number; headers: Headers; text: string; json: any } // any: tests index freely into bodies

export async function send(url: string, init: RequestInit = {}): Promise<Res> {
  const r = await fetch(url, { redirect: 'manual', ...init });
  const text = await r.text();
  let json: unknown;
  try { json = text ? JSON.parse(text) : undefined; } catch { json = undefined; }
  return { status: r.status, headers: r.headers, text, json };
}

export function basic(id: string, secret: string): string {
  return 'Basic ' + Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64');
}

export function postForm(url: string, form: Record<string, string> | string, headers: Record<string, string> = {}): Promise<Res> {
  const body = typeof form === 'string' ? form : new URLSearchParams(form).toString();
  return send(url, { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers } });
}

export function postJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Res> {
  return send(url, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json', ...headers } });
}
