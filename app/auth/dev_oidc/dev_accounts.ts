import { createHash } from 'node:crypto'

/*
| The development provider's people. An account appears the first time an
| email signs in. Its id (the OIDC subject) is a UUID v5 of the lowercased
| email, so the same email keeps the same subject across restarts and the
| local user row is found again.
*/

/* Fixed namespace for the v5 UUIDs; changing it would give every dev email a new subject. */
const ACCOUNT_NAMESPACE = '6f2d3c1e-7b4a-4f0e-9a51-2c8d9e7b3a10'

export function accountIdForEmail(email: string): string {
  const namespace = Buffer.from(ACCOUNT_NAMESPACE.replace(/-/g, ''), 'hex')
  const bytes = createHash('sha1')
    .update(namespace)
    .update(email.trim().toLowerCase(), 'utf8')
    .digest()
    .subarray(0, 16)
  bytes[6] = (bytes[6] & 0x0f) | 0x50
  bytes[8] = (bytes[8] & 0x3f) | 0x80
  const hex = bytes.toString('hex')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}

export interface DevAccount {
  accountId: string
  email: string
  name: string | null
}

export class DevAccounts {
  #accounts = new Map<string, DevAccount>()

  /*
  | Creates the account on first use. The name is what this sign-in typed
  | (or none), so the app sees the same claims before and after a restart;
  | the app keeps the name it has when none comes.
  */
  remember(email: string, name?: string | null): DevAccount {
    const normalized = email.trim().toLowerCase()
    const accountId = accountIdForEmail(normalized)
    const account: DevAccount = {
      accountId,
      email: normalized,
      name: name?.trim() || null,
    }
    this.#accounts.set(accountId, account)
    return account
  }

  find(accountId: string): DevAccount | undefined {
    return this.#accounts.get(accountId)
  }

  /* The claims of an account, by the scopes granted: `sub` always, email and name on request. */
  claims(account: DevAccount): Record<string, unknown> {
    return {
      sub: account.accountId,
      email: account.email,
      email_verified: true,
      name: account.name,
    }
  }
}
