import { OAuth1Error } from '../../magento/oauth1/index.ts';
import { epochSeconds } from '../../platform/clock.ts';
import { isApiKey } from '../api-keys.ts';
import { BEARER, JWT_SHAPE } from './authenticate.ts';
import { deny, type FilterFactory } from '../filter.ts';
import { principalFromIntegration } from '../magento/principal.ts';
import { publicUrl } from '../magento/public-url.ts';

// Magento integrations on webapi routes: `Authorization: OAuth …` signed calls (RFC 5849,
// verified against the URL as the client addressed it), and — only when
// magento.integrations.bearerAccessTokens is on — the access token as a bare bearer.
// Failures answer 401 with Magento's message; JWTs and API keys go on to authenticate.

const FORM = /^application\/x-www-form-urlencoded\b/i;

export const oauth1Authenticate: FilterFactory = {
  name: 'oauth1-authenticate',
  after: [],
  create(route, deps) {
    const magento = deps.magento;
    if (!route.webapi || !magento) return undefined;
    const rules = { publicBaseUrl: deps.config.publicBaseUrl, trusted: deps.trusted };
    return {
      name: 'oauth1-authenticate',
      async onRequest(ctx) {
        const header = ctx.headers.authorization;
        if (!header) return undefined;
        if (/^OAuth\s/i.test(header)) {
          const url = publicUrl(ctx, rules);
          if (!url) return deny(400, 'oauth1_bad_host', 'The "%1" parameter is invalid. Verify the parameter and try again.', { parameters: ['Host'] });
          const form = ctx.body?.length && FORM.test(ctx.headers['content-type'] ?? '') ? ctx.body.toString('utf8') : undefined;
          try {
            ctx.principal = principalFromIntegration(await magento.oauth1.authenticateOAuth1ApiCall({ method: ctx.method, url, authorization: header, form }), epochSeconds(deps.clock));
          } catch (err) {
            if (!(err instanceof OAuth1Error)) throw err;
            return deny(401, `oauth1_${err.problem}`, err.template, { parameters: err.parameters, headers: { 'www-authenticate': 'OAuth' } });
          }
          return undefined;
        }
        const m = BEARER.exec(header);
        if (!m || JWT_SHAPE.test(m[1]!) || isApiKey(m[1]!)) return undefined;
        const found = await magento.oauth1.findBearerAccessToken(m[1]!);
        if (found) ctx.principal = principalFromIntegration(found, epochSeconds(deps.clock));
        return undefined;
      },
    };
  },
};
