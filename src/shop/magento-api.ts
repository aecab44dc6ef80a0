import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AclTree } from '../magento/acl.ts';
import type { ShopServices } from './cart-service.ts';
import { MagentoError } from './errors.ts';
import { requireIdentity, type ShopIdentity } from './identity.ts';
import { openApiDocument } from './openapi.ts';
import { customerRoutes } from './routes/customers.ts';
import { guestCartRoutes } from './routes/guest-carts.ts';
import { myCartRoutes } from './routes/my-cart.ts';
import { orderRoutes } from './routes/orders.ts';
import { productRoutes } from './routes/products.ts';

export interface MagentoApiOptions {
  services: ShopServices;
  acl: AclTree;
  verify: (token: string) => Promise<ShopIdentity>;
  /** Store codes accepted in /rest/<store>/V1; absent for the plain /rest/V1 prefix. */
  stores?: readonly string[];
}

function sendMagento(reply: FastifyReply, err: MagentoError): FastifyReply {
  return reply.code(err.status).type('application/json; charset=utf-8').send(JSON.stringify(err.toJSON()));
}

function clientError(err: FastifyError): MagentoError {
  switch (err.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE': return new MagentoError(413, 'The request body is too large.');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE': return new MagentoError(415, 'Server cannot understand Content-Type HTTP header media type %1', [String(err.message).slice(0, 100)]);
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH': return new MagentoError(400, 'Invalid Content-Length.');
    default: return new MagentoError(400, 'Decoding error: %1', ['malformed request']);
  }
}

/** Errors as Magento's web API sends them; internal detail goes only to the log. */
export function magentoErrorHandler(err: FastifyError | Error, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (err instanceof MagentoError) return sendMagento(reply, err);
  const status = (err as FastifyError).statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) return sendMagento(reply, clientError(err as FastifyError));
  request.log.error({ err }, 'unhandled shop error');
  return sendMagento(reply, new MagentoError(500, 'Internal Error. Details are available in Magento log file. Report ID: %1', [`webapi-${request.id}`]));
}

/** The Magento-compatible REST API, registered under /rest/V1 and /rest/:storeCode/V1. */
export async function magentoApi(app: FastifyInstance, opts: MagentoApiOptions): Promise<void> {
  app.setErrorHandler(magentoErrorHandler);
  app.setNotFoundHandler((_request, reply) => sendMagento(reply, new MagentoError(404, 'Request does not match any route.')));
  // Magento clients POST with an empty JSON body (e.g. POST /carts/mine); that is not an error.
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim() === '') { done(null, undefined); return; }
    try { done(null, JSON.parse(text)); } catch { done(new MagentoError(400, 'Decoding error: %1', ['Syntax error']), undefined); }
  });
  app.addHook('onRequest', requireIdentity(opts.verify));
  if (opts.stores) {
    const stores = new Set(opts.stores);
    app.addHook('preHandler', async (request) => {
      const code = (request.params as { storeCode?: string }).storeCode;
      if (code === undefined || !stores.has(code)) throw new MagentoError(404, 'Requested store is not found');
    });
  }
  app.get('/openapi.json', async () => openApiDocument);
  productRoutes(app, opts.services);
  customerRoutes(app, opts.services);
  myCartRoutes(app, opts.services);
  guestCartRoutes(app, opts.services);
  orderRoutes(app, opts.services, opts.acl);
}
