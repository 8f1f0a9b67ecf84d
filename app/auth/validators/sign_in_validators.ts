import vine from '@vinejs/vine'

/*
| A return path is only ever a path on this site: one leading "/", never
| "//" or "/\" (both mean "another host" to a browser), no scheme, and no
| control characters (browsers drop tab/CR/LF, which would turn "/\t/evil"
| into "//evil").
*/
// eslint-disable-next-line no-control-regex
const SAME_SITE_PATH = /^\/(?![/\\])[^\u0000-\u001f\u007f]*$/

export const DEFAULT_RETURN_PATH = '/chat'

const returnPathValidator = vine.create({
  return_to: vine.string().maxLength(2048).regex(SAME_SITE_PATH),
})

/* The return path to use: the asked-for one when it is same-site, else the default. */
export async function safeReturnPath(candidate: unknown): Promise<string> {
  const [error, value] = await returnPathValidator.tryValidate({ return_to: candidate })
  return error ? DEFAULT_RETURN_PATH : value.return_to
}

/* Query of /sign-in/callback: either code + state, or an error from the provider. */
export const callbackQueryValidator = vine.create({
  code: vine.string().maxLength(2048).optional(),
  state: vine.string().maxLength(512).optional(),
  error: vine.string().maxLength(256).optional(),
  error_description: vine.string().maxLength(1024).optional(),
})

/*
| The ID token claims we keep. The token's signature, issuer and audience were
| verified by the Logto client; this checks the shape of what we store.
*/
export const idTokenClaimsValidator = vine.create({
  sub: vine.string().trim().minLength(1).maxLength(191),
  email: vine.string().trim().toLowerCase().email({ require_tld: false }).maxLength(254),
  username: vine.string().trim().maxLength(191).nullable().optional(),
  name: vine.string().trim().maxLength(191).nullable().optional(),
})

/* The development provider's sign-in form. */
export const devSignInValidator = vine.create({
  email: vine.string().trim().toLowerCase().email({ require_tld: false }).maxLength(254),
  name: vine.string().trim().maxLength(80).optional(),
})
