// The OpenAPI 3.1 description of the shop's Magento-compatible REST API, hand-written.
// Paths are relative to /rest/V1 (also served under /rest/<store>/V1).

type Schema = Record<string, unknown>;
const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: Schema) => ({ 'application/json': { schema } });
const ok = (description: string, schema: Schema) => ({ description, content: json(schema) });
const err = (description: string) => ({ description, content: json(ref('Error')) });
const std = { 400: err('Invalid input'), 401: err('No valid gateway identity, or the consumer is not authorized'), 404: err('No such entity') };
const param = (name: string, description: string, schema: Schema = { type: 'string' }) => ({ name, in: 'path', required: true, description, schema });
const body = (schema: Schema) => ({ required: true, content: json(schema) });
const searchCriteria = {
  name: 'searchCriteria', in: 'query', style: 'deepObject', explode: true,
  description: 'Magento searchCriteria in bracketed syntax: searchCriteria[filter_groups][0][filters][0][field|value|condition_type], searchCriteria[sortOrders][0][field|direction], searchCriteria[pageSize] (≤ 300, default 20), searchCriteria[currentPage]. Filters in a group are ORed; groups are ANDed. condition_type: eq (default), like, gteq, lteq, in (comma-separated).',
  schema: ref('SearchCriteria'),
};
const cartItemBody = body({ type: 'object', required: ['cartItem'], properties: { cartItem: { type: 'object', required: ['qty'], properties: { sku: { type: 'string' }, qty: { type: 'integer', minimum: 1, maximum: 10000 }, quote_id: { type: 'string', description: 'Ignored: the cart is forced from the path or the caller.' } } } } });
const paymentBody = (guest: boolean) => body({
  type: 'object', required: guest ? ['paymentMethod', 'email'] : ['paymentMethod'],
  properties: { ...(guest ? { email: { type: 'string', format: 'email' } } : {}), paymentMethod: ref('PaymentMethod') },
});
const orderId = ok('The new order id, as a JSON string', { type: 'string', pattern: '^[0-9]+$' });
const itemId = param('itemId', 'Cart item id', { type: 'integer' });
const guestCart = param('cartId', 'Masked guest cart id');
const tags = (t: string) => ({ tags: [t] });
const acl = (resources: string[]) => ({ 'x-magento-resources': resources });

export const openApiDocument = {
  openapi: '3.1.0',
  info: {
    title: 'Deputy demo store — Magento-compatible REST API', version: '1.0.0',
    description: 'Reached only through the Deputy gateway, which attaches an internal identity token (X-Deputy-Identity). Errors use Magento\'s {"message","parameters"} body; %placeholders in message are filled from parameters.',
  },
  servers: [{ url: '/rest/V1' }, { url: '/rest/{store}/V1', variables: { store: { default: 'default', enum: ['default', 'all'] } } }],
  security: [{ gatewayIdentity: [] }],
  paths: {
    '/products': { get: { ...tags('catalog'), ...acl(['anonymous']), operationId: 'listProducts', parameters: [searchCriteria], responses: { 200: ok('Matching products', ref('ProductSearchResults')), 400: std[400], 401: std[401] } } },
    '/products/{sku}': { get: { ...tags('catalog'), ...acl(['anonymous']), operationId: 'getProduct', parameters: [param('sku', 'Product SKU')], responses: { 200: ok('The product', ref('Product')), 401: std[401], 404: std[404] } } },
    '/customers/me': {
      get: { ...tags('customer'), ...acl(['self']), operationId: 'getMe', responses: { 200: ok('The caller\'s customer account', ref('Customer')), 401: std[401] } },
      put: { ...tags('customer'), ...acl(['self']), operationId: 'updateMe', requestBody: body({ type: 'object', required: ['customer'], properties: { customer: ref('CustomerInput') } }), responses: { 200: ok('The updated account', ref('Customer')), ...std } },
    },
    '/carts/mine': {
      post: { ...tags('cart'), ...acl(['self']), operationId: 'createMyCart', responses: { 200: ok('The id of the caller\'s active cart (created if none)', { type: 'integer' }), 401: std[401] } },
      get: { ...tags('cart'), ...acl(['self']), operationId: 'getMyCart', responses: { 200: ok('The active cart', ref('Cart')), 401: std[401], 404: std[404] } },
    },
    '/carts/mine/items': {
      get: { ...tags('cart'), ...acl(['self']), operationId: 'listMyCartItems', responses: { 200: ok('Cart items', { type: 'array', items: ref('CartItem') }), 401: std[401], 404: std[404] } },
      post: { ...tags('cart'), ...acl(['self']), operationId: 'addMyCartItem', requestBody: cartItemBody, responses: { 200: ok('The added (or increased) item', ref('CartItem')), ...std } },
    },
    '/carts/mine/items/{itemId}': {
      put: { ...tags('cart'), ...acl(['self']), operationId: 'updateMyCartItem', parameters: [itemId], requestBody: cartItemBody, responses: { 200: ok('The updated item', ref('CartItem')), ...std } },
      delete: { ...tags('cart'), ...acl(['self']), operationId: 'removeMyCartItem', parameters: [itemId], responses: { 200: ok('Removed', { type: 'boolean', const: true }), 401: std[401], 404: std[404] } },
    },
    '/carts/mine/totals': { get: { ...tags('cart'), ...acl(['self']), operationId: 'getMyCartTotals', responses: { 200: ok('Totals', ref('Totals')), 401: std[401], 404: std[404] } } },
    '/carts/mine/payment-information': { post: { ...tags('checkout'), ...acl(['self']), operationId: 'placeMyOrder', requestBody: paymentBody(false), responses: { 200: orderId, ...std } } },
    '/guest-carts': { post: { ...tags('guest'), ...acl(['anonymous']), operationId: 'createGuestCart', responses: { 200: ok('The masked cart id', { type: 'string' }), 401: std[401] } } },
    '/guest-carts/{cartId}': { get: { ...tags('guest'), ...acl(['anonymous']), operationId: 'getGuestCart', parameters: [guestCart], responses: { 200: ok('The cart', ref('Cart')), 401: std[401], 404: std[404] } } },
    '/guest-carts/{cartId}/items': {
      get: { ...tags('guest'), ...acl(['anonymous']), operationId: 'listGuestCartItems', parameters: [guestCart], responses: { 200: ok('Cart items', { type: 'array', items: ref('CartItem') }), 401: std[401], 404: std[404] } },
      post: { ...tags('guest'), ...acl(['anonymous']), operationId: 'addGuestCartItem', parameters: [guestCart], requestBody: cartItemBody, responses: { 200: ok('The added item', ref('CartItem')), ...std } },
    },
    '/guest-carts/{cartId}/items/{itemId}': {
      put: { ...tags('guest'), ...acl(['anonymous']), operationId: 'updateGuestCartItem', parameters: [guestCart, itemId], requestBody: cartItemBody, responses: { 200: ok('The updated item', ref('CartItem')), ...std } },
      delete: { ...tags('guest'), ...acl(['anonymous']), operationId: 'removeGuestCartItem', parameters: [guestCart, itemId], responses: { 200: ok('Removed', { type: 'boolean', const: true }), 401: std[401], 404: std[404] } },
    },
    '/guest-carts/{cartId}/totals': { get: { ...tags('guest'), ...acl(['anonymous']), operationId: 'getGuestCartTotals', parameters: [guestCart], responses: { 200: ok('Totals', ref('Totals')), 401: std[401], 404: std[404] } } },
    '/guest-carts/{cartId}/payment-information': { post: { ...tags('guest'), ...acl(['anonymous']), operationId: 'placeGuestOrder', parameters: [guestCart], requestBody: paymentBody(true), responses: { 200: orderId, ...std } } },
    '/orders': { get: { ...tags('sales'), ...acl(['Magento_Sales::actions_view']), operationId: 'listOrders', parameters: [searchCriteria], responses: { 200: ok('Matching orders', ref('OrderSearchResults')), 400: std[400], 401: std[401] } } },
    '/orders/{id}': { get: { ...tags('sales'), ...acl(['Magento_Sales::actions_view']), operationId: 'getOrder', parameters: [param('id', 'Order entity id', { type: 'integer' })], responses: { 200: ok('The order', ref('Order')), 401: std[401], 404: std[404] } } },
    '/openapi.json': { get: { ...tags('meta'), operationId: 'getOpenApi', responses: { 200: ok('This document', { type: 'object' }) } } },
  },
  components: {
    securitySchemes: { gatewayIdentity: { type: 'apiKey', in: 'header', name: 'X-Deputy-Identity', description: 'ES256 JWT (typ deputy-identity+jwt) minted by the Deputy gateway; see docs/internal-identity.md.' } },
    schemas: {
      Error: { type: 'object', required: ['message', 'parameters'], properties: { message: { type: 'string' }, parameters: { oneOf: [{ type: 'object', additionalProperties: { type: ['string', 'number'] } }, { type: 'array', items: { type: ['string', 'number'] } }] } } },
      SearchCriteria: { type: 'object', properties: {
        filter_groups: { type: 'array', items: { type: 'object', properties: { filters: { type: 'array', items: { type: 'object', required: ['field', 'value'], properties: { field: { type: 'string' }, value: { type: 'string' }, condition_type: { enum: ['eq', 'like', 'gteq', 'lteq', 'in'] } } } } } } },
        sortOrders: { type: 'array', items: { type: 'object', properties: { field: { type: 'string' }, direction: { enum: ['ASC', 'DESC'] } } } },
        pageSize: { type: 'integer', minimum: 1, maximum: 300, default: 20 }, currentPage: { type: 'integer', minimum: 1, default: 1 },
      } },
      Product: { type: 'object', properties: {
        id: { type: 'integer' }, sku: { type: 'string' }, name: { type: 'string' }, price: { type: 'number' }, status: { type: 'integer' }, visibility: { type: 'integer' }, type_id: { type: 'string' },
        attribute_set_id: { type: 'integer' }, created_at: { type: 'string' }, updated_at: { type: 'string' },
        extension_attributes: { type: 'object', properties: { website_ids: { type: 'array', items: { type: 'integer' } }, stock_item: { type: 'object', properties: { qty: { type: 'integer' }, is_in_stock: { type: 'boolean' } } } } },
        custom_attributes: { type: 'array', items: { type: 'object', properties: { attribute_code: { type: 'string' }, value: { type: 'string' } } } },
      } },
      ProductSearchResults: { type: 'object', properties: { items: { type: 'array', items: ref('Product') }, search_criteria: { type: 'object' }, total_count: { type: 'integer' } } },
      Customer: { type: 'object', properties: { id: { type: 'integer' }, email: { type: 'string' }, firstname: { type: 'string' }, lastname: { type: 'string' }, group_id: { type: 'integer' }, store_id: { type: 'integer' }, website_id: { type: 'integer' }, created_at: { type: 'string' }, updated_at: { type: 'string' }, addresses: { type: 'array' } } },
      CustomerInput: { type: 'object', properties: { id: { type: 'integer', description: 'If given, must be the caller\'s own id.' }, email: { type: 'string', format: 'email' }, firstname: { type: 'string', maxLength: 255 }, lastname: { type: 'string', maxLength: 255 } } },
      CartItem: { type: 'object', properties: { item_id: { type: 'integer' }, sku: { type: 'string' }, qty: { type: 'integer' }, name: { type: 'string' }, price: { type: 'number' }, product_type: { type: 'string' }, quote_id: { type: 'string' } } },
      Cart: { type: 'object', properties: { id: { type: 'integer' }, is_active: { type: 'boolean' }, items: { type: 'array', items: ref('CartItem') }, items_count: { type: 'integer' }, items_qty: { type: 'integer' }, customer: { type: 'object' }, customer_is_guest: { type: 'boolean' }, currency: { type: 'object' } } },
      Totals: { type: 'object', properties: { grand_total: { type: 'number' }, subtotal: { type: 'number' }, discount_amount: { type: 'number' }, shipping_amount: { type: 'number' }, tax_amount: { type: 'number' }, items_qty: { type: 'integer' }, quote_currency_code: { type: 'string' }, items: { type: 'array', items: { type: 'object' } }, total_segments: { type: 'array', items: { type: 'object', properties: { code: { type: 'string' }, title: { type: 'string' }, value: { type: 'number' } } } } } },
      PaymentMethod: { type: 'object', required: ['method'], properties: {
        method: { enum: ['checkmo', 'deputy_card'] },
        additional_data: { type: 'object', description: 'For deputy_card: a test card that passes the Luhn check. Only a token, the last four digits and the brand are kept.', properties: { cc_number: { type: 'string' }, cc_exp_month: { type: 'integer' }, cc_exp_year: { type: 'integer' }, cc_cid: { type: 'string' } } },
      } },
      Order: { type: 'object', properties: {
        entity_id: { type: 'integer' }, increment_id: { type: 'string' }, customer_id: { type: ['integer', 'null'] }, customer_email: { type: 'string' }, customer_is_guest: { type: 'integer' },
        state: { type: 'string' }, status: { type: 'string' }, subtotal: { type: 'number' }, grand_total: { type: 'number' }, total_qty_ordered: { type: 'integer' }, created_at: { type: 'string' },
        items: { type: 'array', items: { type: 'object' } }, payment: { type: ['object', 'null'], properties: { method: { type: 'string' }, cc_last4: { type: ['string', 'null'] }, cc_type: { type: ['string', 'null'] }, amount_ordered: { type: 'number' } } },
      } },
      OrderSearchResults: { type: 'object', properties: { items: { type: 'array', items: ref('Order') }, search_criteria: { type: 'object' }, total_count: { type: 'integer' } } },
    },
  },
} as const;
