import type { FilterFactory } from '../filter.ts';

/** The last filter: sends the transformed request to the route's upstream. */
export const forward: FilterFactory = {
  name: 'forward',
  after: ['request-transform'],
  create(route, deps) {
    const upstream = route.upstream;
    return {
      name: 'forward',
      async onRequest(ctx) {
        const res = await deps.upstreams.send(upstream, { method: ctx.method, path: ctx.upstreamPath!, headers: ctx.upstreamHeaders!, body: ctx.body });
        if ('reason' in res) return res;
        ctx.response = res;
        return undefined;
      },
    };
  },
};
