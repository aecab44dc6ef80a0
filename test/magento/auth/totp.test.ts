import { test } from 'node:test';
import assert from 'node:assert/strict';
import { base32Decode, base32Encode, hotp, otpauthUri, totp, verifyTotp } from '../../../src/magento/totp/totp.ts';
import { postJson } from '../../helpers/http.ts';
import { magentoAuth, magentoServer, PASSWORD } from './helpers.ts';

const RFC_SECRET = Buffer.from('12345678901234567890', 'ascii');

test('RFC 6238 appendix B test vectors (SHA-1, 8 digits)', () => {
  const vectors: Array<[number, string]> = [[59, '94287082'], [1111111109, '07081804'], [1111111111, '14050471'], [1234567890, '89005924'], [2000000000, '69279037'], [20000000000, '65353130']];
  for (const [t, code] of vectors) assert.equal(totp(RFC_SECRET, t, { algorithm: 'sha1', digits: 8, step: 30 }), code, `T=${t}`);
});

test('RFC 4226 appendix D HOTP values and base32', () => {
  assert.deepEqual([0, 1, 2, 9].map((c) => hotp(RFC_SECRET, c)), ['755224', '287082', '359152', '520489']);
  assert.equal(base32Encode(Buffer.from('foobar')), 'MZXW6YTBOI');
  assert.deepEqual(base32Decode('mzxw6ytboi'), Buffer.from('foobar'));
  assert.equal(otpauthUri({ issuer: 'Deputy', account: 'root', secret: Buffer.from('foobar') }), 'otpauth://totp/Deputy:root?secret=MZXW6YTBOI&issuer=Deputy&algorithm=SHA1&digits=6&period=30');
});

test('verifyTotp: ±1 step, no further; a used step is refused; malformed codes refused', () => {
  const t = 1_700_000_000;
  const step = Math.floor(t / 30);
  assert.equal(verifyTotp(RFC_SECRET, totp(RFC_SECRET, t), t), step);
  assert.equal(verifyTotp(RFC_SECRET, totp(RFC_SECRET, t - 30), t), step - 1);
  assert.equal(verifyTotp(RFC_SECRET, totp(RFC_SECRET, t + 30), t), step + 1);
  assert.equal(verifyTotp(RFC_SECRET, totp(RFC_SECRET, t - 60), t), undefined);
  assert.equal(verifyTotp(RFC_SECRET, totp(RFC_SECRET, t + 60), t), undefined);
  assert.equal(verifyTotp(RFC_SECRET, totp(RFC_SECRET, t), t, { lastUsedStep: step }), undefined);
  assert.equal(verifyTotp(RFC_SECRET, totp(RFC_SECRET, t + 30), t, { lastUsedStep: step }), step + 1);
  for (const bad of ['', '12345', '1234567', 'abcdef', ' 12345']) assert.equal(verifyTotp(RFC_SECRET, bad, t), undefined);
});

test('admin 2FA (default on): admin/token refused, google/authenticate issues the token once per code', async (t) => {
  const srv = await magentoServer();
  t.after(() => srv.close());
  const plain = await postJson(`${srv.issuer}/rest/V1/integration/admin/token`, { username: 'root', password: PASSWORD });
  assert.equal(plain.status, 401);
  assert.deepEqual(plain.json, { message: 'Please use the 2fa provider-specific endpoints to obtain a token.', parameters: [] });
  const url = `${srv.issuer}/rest/V1/tfa/provider/google/authenticate`;
  const notEnrolled = await postJson(url, { username: 'root', password: PASSWORD, otp: '123456' });
  assert.equal(notEnrolled.status, 401);
  assert.deepEqual(notEnrolled.json, { message: 'You need to configure Two-Factor Authorization in order to proceed with your request.', parameters: [] });

  const m = magentoAuth(srv.rt);
  const uri = await m.totp.enroll((await m.users.find(srv.adminId))!);
  assert.match(uri, /^otpauth:\/\/totp\/Deputy:root\?secret=[A-Z2-7]{32}&issuer=Deputy&algorithm=SHA1&digits=6&period=30$/);
  const secret = base32Decode(new URL(uri).searchParams.get('secret')!);
  const row = await m.admins.find(srv.adminId);
  const sealed = row?.totp_secret_enc ?? '';
  assert.ok(sealed.startsWith('v1.'), 'stored as an envelope');
  assert.ok(!sealed.includes(new URL(uri).searchParams.get('secret')!));

  const now = () => Math.floor(srv.clock.now() / 1000);
  const missing = await postJson(url, { username: 'root', password: PASSWORD });
  assert.equal(missing.status, 400);
  assert.deepEqual(missing.json, { message: '"%fieldName" is required. Enter and try again.', parameters: { fieldName: 'otp' } });
  const wrong = await postJson(url, { username: 'root', password: PASSWORD, otp: totp(secret, now() - 90) });
  assert.equal(wrong.status, 401);
  assert.deepEqual(wrong.json, { message: 'Invalid code.', parameters: [] });
  const badPassword = await postJson(url, { username: 'root', password: 'nope nope', otp: totp(secret, now()) });
  assert.equal(badPassword.status, 401);
  assert.equal(badPassword.json.message, 'The account sign-in was incorrect or your account is disabled temporarily. Please wait and try again later.');

  const code = totp(secret, now());
  const ok = await postJson(url, { username: 'root', password: PASSWORD, otp: code });
  assert.equal(ok.status, 200);
  assert.equal(typeof ok.json, 'string');
  const replay = await postJson(url, { username: 'root', password: PASSWORD, otp: code });
  assert.equal(replay.status, 401, 'a used code cannot be replayed within its window');
  assert.deepEqual(replay.json, { message: 'Invalid code.', parameters: [] });
  const older = await postJson(url, { username: 'root', password: PASSWORD, otp: totp(secret, now() - 30) });
  assert.equal(older.status, 401, 'nor can an earlier step once a later one was used');
  srv.clock.advance(30_000);
  assert.equal((await postJson(url, { username: 'root', password: PASSWORD, otp: totp(secret, now()) })).status, 200, 'the next step works');
});

test('admin 2FA: wrong codes count towards the lockout', async (t) => {
  const srv = await magentoServer();
  t.after(() => srv.close());
  const m = magentoAuth(srv.rt);
  const secret = base32Decode(new URL(await m.totp.enroll((await m.users.find(srv.adminId))!)).searchParams.get('secret')!);
  const url = `${srv.issuer}/rest/V1/tfa/provider/google/authenticate`;
  const now = Math.floor(srv.clock.now() / 1000);
  for (let i = 0; i < 6; i++) assert.equal((await postJson(url, { username: 'root', password: PASSWORD, otp: totp(secret, now + 3600 + i * 30) })).status, 401);
  const locked = await postJson(url, { username: 'root', password: PASSWORD, otp: totp(secret, now) });
  assert.equal(locked.status, 401);
  assert.equal(locked.json.message, 'The account sign-in was incorrect or your account is disabled temporarily. Please wait and try again later.');
});
