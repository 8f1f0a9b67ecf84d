import type { Session } from '@adonisjs/session'
import type { PersistKey } from '@logto/node'

type Key = `${PersistKey}` | 'idToken' | 'refreshToken' | 'accessToken' | 'signInSession'

/*
| The Logto client's storage (PKCE verifier and state while signing in, then
| the ID, access and refresh tokens) kept in the visitor's Adonis session.
| The session cookie is encrypted, HttpOnly and SameSite=Lax
| (config/session.ts), so none of it is readable by page scripts.
*/
export default class LogtoSessionStorage {
  static readonly namespace = 'logto'

  constructor(protected session: Session) {}

  async getItem(key: Key): Promise<string | null> {
    const value = this.session.get(`${LogtoSessionStorage.namespace}.${key}`)
    return typeof value === 'string' ? value : null
  }

  async setItem(key: Key, value: string): Promise<void> {
    this.session.put(`${LogtoSessionStorage.namespace}.${key}`, value)
  }

  async removeItem(key: Key): Promise<void> {
    this.session.forget(`${LogtoSessionStorage.namespace}.${key}`)
  }

  clear() {
    this.session.forget(LogtoSessionStorage.namespace)
  }
}
