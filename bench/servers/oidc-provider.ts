// Benchmark peer: node-oidc-provider 9 configured like Deputy's client_credentials path:
// resource indicators, JWT access tokens signed ES256, client_secret_basic, in-memory adapter.
import { exportJWK, generateKeyPair } from 'jose';
import Provider from 'oidc-provider';

const port = Number(process.argv[2] ?? 0);
const issuer = `http://127.0.0.1:${port}`;
const resource = 'http://localhost:8080/rest';
const { privateKey } = await generateKeyPair('ES256', { extractable: true });
const jwk = { ...(await exportJWK(privateKey)), kid: 'bench-es256', alg: 'ES256', use: 'sig' };
const { privateKey: rsa } = await generateKeyPair('RS256', { extractable: true, modulusLength: 2048 });
const rsaJwk = { ...(await exportJWK(rsa)), kid: 'bench-rs256', alg: 'RS256', use: 'sig' };
const clientSecret = 'bench-secret-bench-secret-bench-secret-0123456789';

const provider = new Provider(issuer, {
  jwks: { keys: [jwk, rsaJwk] },
  clients: [{ client_id: 'bench', client_secret: clientSecret, grant_types: ['client_credentials'], redirect_uris: [], response_types: [], scope: 'catalog:read cart:write', token_endpoint_auth_method: 'client_secret_basic' }],
  scopes: ['catalog:read', 'cart:write'],
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    introspection: { enabled: true },
    revocation: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => resource,
      useGrantedResource: () => true,
      getResourceServerInfo: () => ({ scope: 'catalog:read cart:write', audience: resource, accessTokenTTL: 300, accessTokenFormat: 'jwt', jwt: { sign: { alg: 'ES256' } } }),
    },
  },
});
provider.proxy = false;
const server = provider.listen(port, '127.0.0.1');
server.on('listening', () => {
  process.stdout.write(JSON.stringify({ url: issuer, clientId: 'bench', clientSecret }) + '\n');
});
process.on('SIGTERM', () => { server.close(); process.exit(0); });
