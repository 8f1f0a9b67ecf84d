import { inject } from '@adonisjs/core'
import db from '@adonisjs/lucid/services/db'
import lock from '@adonisjs/lock/services/main'
import User from '#models/user'
import SignInError from '#auth/sign_in_error'
import ActivityLogService from '#audit/services/activity_log_service'
import { idTokenClaimsValidator } from '#auth/validators/sign_in_validators'

export interface SignInContext {
  ip: string
  /* 'logto' or 'development', recorded with the activity. */
  provider: string
}

/*
| Turns verified ID token claims into the local user: found by Logto's
| subject, created on first sign-in, email and username kept in step with
| Logto. A lock per subject serialises two callbacks for the same person
| (two tabs, a double click), so the first creates and the second finds.
*/
@inject()
export default class AccountService {
  constructor(protected activity: ActivityLogService) {}

  async upsertFromClaims(
    rawClaims: unknown,
    context: SignInContext
  ): Promise<{ user: User; created: boolean }> {
    const [invalid, claims] = await idTokenClaimsValidator.tryValidate(rawClaims)
    if (invalid) {
      throw new SignInError(
        'Your account has no usable email address, which this app needs. Add one to your account and sign in again.',
        { status: 422, code: 'E_SIGN_IN_CLAIMS_INVALID', cause: invalid }
      )
    }

    const username = claims.username || claims.name || null
    const [acquired, result] = await lock.createLock(`auth:upsert:${claims.sub}`, '15s').run(() =>
      db.transaction(async (trx) => {
        let user = await User.query({ client: trx }).where('logto_id', claims.sub).first()
        const created = !user

        const emailOwner = await User.query({ client: trx })
          .where('email', claims.email)
          .whereNot('logto_id', claims.sub)
          .first()
        if (emailOwner) {
          throw new SignInError(
            'This email address already belongs to another account here. Sign in with that account, or use another email.',
            { status: 409, code: 'E_SIGN_IN_EMAIL_TAKEN' }
          )
        }

        if (!user) {
          user = new User()
          user.logtoId = claims.sub
        }
        user.useTransaction(trx)
        user.email = claims.email
        /* A provider that sends no name (a dev sign-in without one) keeps the name we have. */
        user.username = username ?? user.username ?? null
        await user.save()

        const details = { ip: context.ip, provider: context.provider }
        if (created) {
          await this.activity.record('user.signed_up', { userId: user.id, details, client: trx })
        }
        await this.activity.record('user.signed_in', { userId: user.id, details, client: trx })
        return { user, created }
      })
    )

    if (!acquired) {
      throw new SignInError('Signing you in is taking longer than usual. Please try again.', {
        status: 503,
        code: 'E_SIGN_IN_BUSY',
      })
    }
    return result
  }
}
