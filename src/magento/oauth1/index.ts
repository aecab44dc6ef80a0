// OAuth 1.0a (RFC 5849) for Magento integrations: pure verification pieces shared by the
// auth server's /oauth/token/* endpoints and the gateway's authenticate filter.
export { OAuth1Error, OAUTH1_PROBLEMS, type OAuth1Problem } from './errors.ts';
export { percentEncode, percentDecode } from './percent-encoding.ts';
export { baseStringUri, normaliseParams, signatureBaseString, type Param } from './base-string.ts';
export { parseOAuthHeader } from './authorization-header.ts';
export { hmacSignature, type SignatureMethod } from './signature.ts';
export { MemoryNonceStore, type NonceStore } from './nonce-store.ts';
export { RedisNonceStore } from './redis-nonce-store.ts';
export { verifyOAuth1Request, type OAuth1Request, type OAuth1Verified, type OAuth1VerifyOptions } from './verify.ts';
