/*
| oidc-provider 9 ships no type definitions. These cover only the parts the
| development provider uses; anything wider stays `unknown`.
*/
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http'

  export interface KoaContextWithOIDC {
    host: string
    body: unknown
    type: string
    oidc: {
      client?: { clientId: string; clientName?: string }
      [key: string]: unknown
    }
  }

  export interface Account {
    accountId: string
    claims(use: string, scope: string): Promise<Record<string, unknown>>
  }

  export interface InteractionDetails {
    uid: string
    prompt: {
      name: 'login' | 'consent' | string
      reasons: string[]
      details: Record<string, unknown>
    }
    params: Record<string, unknown> & { client_id?: string; scope?: string; login_hint?: string }
    session?: { accountId?: string }
    grantId?: string
    lastSubmission?: Record<string, unknown>
  }

  export class Grant {
    constructor(options: { accountId: string; clientId: string })
    addOIDCScope(scope: string): void
    addOIDCClaims(claims: string[]): void
    save(): Promise<string>
    static find(id: string): Promise<Grant | undefined>
  }

  export type Configuration = Record<string, unknown>

  export class Provider {
    constructor(issuer: string, configuration: Configuration)
    issuer: string
    proxy: boolean
    callback(): (req: IncomingMessage, res: ServerResponse) => Promise<void>
    interactionDetails(req: IncomingMessage, res: ServerResponse): Promise<InteractionDetails>
    interactionResult(
      req: IncomingMessage,
      res: ServerResponse,
      result: Record<string, unknown>,
      options?: { mergeWithLastSubmission?: boolean }
    ): Promise<string>
    on(event: string, listener: (...args: any[]) => void): this
    Grant: typeof Grant
  }

  export const errors: {
    SessionNotFound: new (...args: any[]) => Error
    [name: string]: new (...args: any[]) => Error
  }

  export default Provider
}
