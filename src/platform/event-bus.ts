import { EventEmitter } from 'node:events';
import type { Logger } from './logger.ts';

/** Events other roles react to. Kept small and JSON-serialisable. */
export type DeputyEvent =
  | { type: 'token.revoked'; jti: string; exp: number }
  | { type: 'grant.revoked'; grantId: string; exp: number }
  | { type: 'subject.revoked'; sub: string; before: number; exp: number }
  | { type: 'client.changed'; clientId: string }
  | { type: 'keys.changed' };

export type EventHandler = (event: DeputyEvent) => void;

export interface EventBus {
  publish(event: DeputyEvent): Promise<void>;
  /** Returns an unsubscribe function. */
  subscribe(handler: EventHandler): () => void;
  close(): Promise<void>;
}

/** Embedded mode: every role lives in one process. */
export class InProcessBus implements EventBus {
  readonly #emitter = new EventEmitter();
  constructor() { this.#emitter.setMaxListeners(0); }
  async publish(event: DeputyEvent): Promise<void> {
    this.#emitter.emit('event', event);
  }
  subscribe(handler: EventHandler): () => void {
    this.#emitter.on('event', handler);
    return () => this.#emitter.off('event', handler);
  }
  async close(): Promise<void> { this.#emitter.removeAllListeners(); }
}

export const EVENT_CHANNEL = 'deputy:events';

/**
 * Scale-out mode: Redis pub/sub. Delivery is at-most-once, so consumers also poll
 * the store for revocations they may have missed.
 */
export class RedisBus implements EventBus {
  readonly #local = new InProcessBus();
  readonly #pub: import('ioredis').Redis;
  readonly #sub: import('ioredis').Redis;
  readonly #log: Logger;

  private constructor(pub: import('ioredis').Redis, sub: import('ioredis').Redis, log: Logger) {
    this.#pub = pub;
    this.#sub = sub;
    this.#log = log;
  }

  static async connect(url: string, log: Logger): Promise<RedisBus> {
    const { Redis } = await import('ioredis');
    const pub = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 2 });
    const sub = new Redis(url, { lazyConnect: true });
    await Promise.all([pub.connect(), sub.connect()]);
    const bus = new RedisBus(pub, sub, log);
    await sub.subscribe(EVENT_CHANNEL);
    sub.on('message', (_channel: string, message: string) => bus.#deliver(message));
    return bus;
  }

  #deliver(message: string): void {
    try {
      void this.#local.publish(JSON.parse(message) as DeputyEvent);
    } catch (err) {
      this.#log.warn({ err }, 'event bus: dropped malformed message');
    }
  }

  async publish(event: DeputyEvent): Promise<void> {
    await this.#pub.publish(EVENT_CHANNEL, JSON.stringify(event));
  }
  subscribe(handler: EventHandler): () => void { return this.#local.subscribe(handler); }
  async close(): Promise<void> {
    await this.#local.close();
    this.#sub.disconnect();
    this.#pub.disconnect();
  }
}
