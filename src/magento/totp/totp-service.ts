import { epochSeconds } from '../../platform/clock.ts';
import type { Runtime } from '../../runtime.ts';
import type { UserRow } from '../../store/users.ts';
import type { AdminProfileRepository } from './admin-repository.ts';
import { newTotpSecret, otpauthUri, verifyTotp } from './totp.ts';

export type TotpCheck = 'ok' | 'not_enrolled' | 'invalid';

const aad = (userId: string) => `totp:${userId}`;

/** Admin TOTP: enrolment (secret encrypted under the master key) and single-use verification. */
export class TotpService {
  readonly #rt: Runtime;
  readonly #repo: AdminProfileRepository;
  readonly #issuer: string;

  constructor(rt: Runtime, admins: AdminProfileRepository, issuer: string) {
    this.#rt = rt;
    this.#repo = admins;
    this.#issuer = issuer;
  }

  /** A new secret for the admin (replacing any earlier one); returns the otpauth:// URI. */
  async enroll(user: UserRow): Promise<string> {
    const secret = newTotpSecret();
    const now = epochSeconds(this.#rt.clock);
    await this.#repo.upsert(user.id, { totp_secret_enc: this.#rt.envelope.encrypt(secret, aad(user.id)), totp_enrolled_at: now, totp_last_step: null }, now);
    this.#rt.audit.record({ time: now, action: 'magento.totp.enrolled', outcome: 'success', subject: user.id });
    return otpauthUri({ issuer: this.#issuer, account: user.username, secret });
  }

  async isEnrolled(userId: string): Promise<boolean> {
    return !!(await this.#repo.find(userId))?.totp_secret_enc;
  }

  /** Checks a code (±1 step); a matched step is recorded so the code cannot be used again. */
  async check(userId: string, code: string): Promise<TotpCheck> {
    const row = await this.#repo.find(userId);
    if (!row?.totp_secret_enc) return 'not_enrolled';
    const secret = this.#rt.envelope.decrypt(row.totp_secret_enc, aad(userId));
    const now = epochSeconds(this.#rt.clock);
    const step = verifyTotp(secret, code, now, { window: 1, lastUsedStep: row.totp_last_step });
    if (step === undefined) return 'invalid';
    // Compare-and-set: of two concurrent requests with one code, only one gets through.
    return (await this.#repo.useStep(userId, step, now)) ? 'ok' : 'invalid';
  }
}
