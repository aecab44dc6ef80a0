import { deny, type FilterFactory } from '../filter.ts';

/** The route's body limit (the server-wide limit is enforced while reading the body). */
export const sizeLimit: FilterFactory = {
  name: 'size-limit',
  after: [],
  create(route) {
    const limit = route.bodyLimit;
    return {
      name: 'size-limit',
      onRequest(ctx) {
        const size = ctx.body?.length ?? 0;
        return size > limit ? deny(413, 'body_too_large', `The request body exceeds ${limit} bytes.`) : undefined;
      },
    };
  },
};
