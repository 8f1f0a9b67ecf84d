import { accountIdForEmail } from '#auth/dev_oidc/dev_accounts'
import { BrowserSession, inertiaPage } from '#tests/helpers/browser_session'

/*
| Signing in for functional tests, over real HTTP, through the development
| OpenID Connect provider the test server mounts at /oidc: GET /sign-in,
| the provider's authorization endpoint, our dev sign-in form (posted with
| its CSRF token), the provider's resume, then our callback.
|
|   const alice = await signIn('alice@example.com', { name: 'Alice' })
|   await alice.session.get('/chat')                        // fetch with cookies
|   client.get('/chat').headers(alice.session.headers('/chat'))  // @japa/api-client
*/

export interface SignInOptions {
  /* Display name typed into the development sign-in form. */
  name?: string
  /* Passed as /sign-in?return_to=... */
  returnTo?: string
  /* Continue in an existing session (cookies, client address) instead of a fresh one. */
  session?: BrowserSession
}

export interface SignedIn {
  session: BrowserSession
  /* Where the callback sent the browser (the return path). */
  location: string
  email: string
  /* The subject the development provider gives this email (users.logto_id). */
  logtoId: string
}

function signInPath(returnTo?: string) {
  return returnTo === undefined ? '/sign-in' : `/sign-in?return_to=${encodeURIComponent(returnTo)}`
}

const isCallback = (url: URL) => url.pathname === '/sign-in/callback'

/*
| Runs the flow up to the provider's redirect to /sign-in/callback and stops
| there, without requesting it: the callback URL (code and state) is returned
| for tests that tamper with it or replay it.
*/
export async function signInUntilCallback(
  email: string,
  options: SignInOptions = {}
): Promise<{ session: BrowserSession; callbackUrl: URL }> {
  const session = options.session ?? new BrowserSession()

  const start = await session.get(signInPath(options.returnTo))
  if (start.status !== 302) {
    throw new Error(`GET /sign-in answered ${start.status}: ${await start.text()}`)
  }
  const toForm = await session.follow(start, { stopAt: isCallback })
  /* The provider still had a session for this browser: it went straight back. */
  if (isCallback(toForm.url)) return { session, callbackUrl: toForm.url }

  const html = await toForm.response.text()
  const page = inertiaPage(html)
  if (page.component !== 'auth/dev_sign_in') {
    throw new Error(`Expected the development sign-in page, got ${page.component} at ${toForm.url}`)
  }

  /* As a browser posts the form: an empty name field is sent as an empty string. */
  const form = { _csrf: page.props.csrfToken, email, name: options.name ?? '' }
  const posted = await session.post(page.props.action, form, { csrf: false })
  const toCallback = await session.follow(posted, { stopAt: isCallback })
  if (!isCallback(toCallback.url)) {
    throw new Error(
      `The development provider did not send the browser back (${toCallback.response.status} at ${toCallback.url})`
    )
  }
  return { session, callbackUrl: toCallback.url }
}

/* A complete sign-in for `email` (the account appears on first use). */
export async function signIn(email: string, options: SignInOptions = {}): Promise<SignedIn> {
  const { session, callbackUrl } = await signInUntilCallback(email, options)
  const response = await session.get(callbackUrl.href)
  const location = response.headers.get('location')
  if (response.status !== 302 || !location) {
    throw new Error(`The sign-in callback answered ${response.status}: ${await response.text()}`)
  }
  await response.arrayBuffer()
  return {
    session,
    location,
    email: email.trim().toLowerCase(),
    logtoId: accountIdForEmail(email),
  }
}

/*
| POST /sign-out with the CSRF token, then through the provider's end-session
| confirmation. Returns every hop and the final URL (the landing page).
*/
export async function signOut(session: BrowserSession): Promise<{ hops: URL[]; finalUrl: URL }> {
  const posted = await session.post('/sign-out')
  const toEndSession = await session.follow(posted)
  const hops = [...toEndSession.hops]
  const html = await toEndSession.response.text()
  const form = html.match(
    /<form[^>]*id="op\.logoutForm"[^>]*action="([^"]+)"[^>]*>([\s\S]*?)<\/form>/
  )
  if (!form) return { hops, finalUrl: toEndSession.url }

  const xsrf = form[2].match(/name="xsrf" value="([^"]+)"/)?.[1] ?? ''
  const confirmed = await session.request(form[1], {
    method: 'POST',
    form: { xsrf, logout: 'yes' },
  })
  const toLanding = await session.follow(confirmed, { stopAt: (url) => url.pathname === '/' })
  return { hops: [...hops, ...toLanding.hops], finalUrl: toLanding.url }
}
