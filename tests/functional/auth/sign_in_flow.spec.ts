import { randomUUID } from 'node:crypto'
import { test } from '@japa/runner'
import User from '#models/user'
import ActivityLog from '#models/activity_log'
import { BrowserSession, appBaseUrl, inertiaPage } from '#tests/helpers/browser_session'
import { signIn, signOut, signInUntilCallback } from '#tests/helpers/sign_in'

const uniqueEmail = (label: string) => `${label}-${randomUUID()}@Example.com`

async function eventsOf(userId: string) {
  const rows = await ActivityLog.query().where('user_id', userId).orderBy('created_at', 'asc')
  return rows.map((row) => row.eventName)
}

test.group('Sign-in: signed-out visitors', () => {
  test('a signed-out request to /chat redirects to sign-in with the path to return to', async ({
    client,
    assert,
  }) => {
    const response = await client.get('/chat?tab=recent').redirects(0)
    response.assertStatus(302)
    assert.equal(
      response.header('location'),
      `/sign-in?return_to=${encodeURIComponent('/chat?tab=recent')}`
    )
  })

  test('GET /sign-in sends the browser to the provider with PKCE and state, and a safe session cookie', async ({
    assert,
  }) => {
    const browser = new BrowserSession()
    const response = await browser.get('/sign-in?return_to=%2Fchat')
    assert.equal(response.status, 302)

    const authorization = new URL(response.headers.get('location')!)
    assert.equal(authorization.origin + authorization.pathname, `${appBaseUrl()}/oidc/auth`)
    assert.equal(authorization.searchParams.get('response_type'), 'code')
    assert.equal(authorization.searchParams.get('code_challenge_method'), 'S256')
    assert.match(authorization.searchParams.get('code_challenge')!, /^[\w-]{43}$/)
    assert.isAbove(authorization.searchParams.get('state')!.length, 20)
    assert.equal(authorization.searchParams.get('redirect_uri'), `${appBaseUrl()}/sign-in/callback`)
    assert.includeMembers(authorization.searchParams.get('scope')!.split(' '), [
      'openid',
      'email',
      'profile',
    ])

    const sessionCookie = response.headers
      .getSetCookie()
      .find((cookie) => cookie.startsWith('chat-session='))
    assert.exists(sessionCookie)
    assert.match(sessionCookie!, /;\s*HttpOnly/i)
    assert.match(sessionCookie!, /;\s*SameSite=Lax/i)
    /* Not "Secure" outside production (config/session.ts sets it from app.inProduction). */
    assert.notMatch(sessionCookie!, /;\s*Secure/i)
  })

  test('the development sign-in page refuses a form post without the CSRF token', async ({
    assert,
  }) => {
    const browser = new BrowserSession()
    const start = await browser.get('/sign-in')
    const { response, url } = await browser.follow(start)
    assert.equal(url.pathname.split('/')[1], 'dev-sign-in')
    await response.arrayBuffer()

    const refused = await browser.request(url.pathname, {
      method: 'POST',
      form: { email: 'nobody@example.com' },
    })
    /* Shield answers a bad token by sending the browser back with an error, nothing done. */
    assert.equal(refused.status, 302)
    assert.notMatch(refused.headers.get('location') ?? '', /\/oidc\/auth\//)
    const user = await User.findBy('email', 'nobody@example.com')
    assert.isNull(user)
  })
})

test.group('Sign-in: the whole flow through the development provider', () => {
  test('first sign-in creates the user from the ID token claims and logs sign-up and sign-in', async ({
    assert,
  }) => {
    const email = uniqueEmail('ada')
    const signedIn = await signIn(email, { name: 'Ada Lovelace', returnTo: '/chat?from=test' })
    assert.equal(signedIn.location, '/chat?from=test')

    const user = await User.findByOrFail('logto_id', signedIn.logtoId)
    assert.equal(user.email, email.toLowerCase())
    assert.equal(user.username, 'Ada Lovelace')
    assert.match(
      user.logtoId,
      /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/
    )
    assert.deepEqual(await eventsOf(user.id), ['user.signed_up', 'user.signed_in'])

    const signInLog = await ActivityLog.query()
      .where('user_id', user.id)
      .where('event_name', 'user.signed_in')
      .firstOrFail()
    assert.equal(signInLog.details?.ip, signedIn.session.ip)
    assert.equal(signInLog.details?.provider, 'development')

    /* The session is the app's: /chat renders for this user. */
    const chat = await signedIn.session.get('/chat')
    assert.equal(chat.status, 200)
    const page = inertiaPage(await chat.text())
    assert.equal(page.props.user.email, user.email)
    assert.equal(page.props.user.displayName, 'Ada Lovelace')
  })

  test('signing in again finds the same user (same subject), logs only a sign-in', async ({
    assert,
  }) => {
    const email = uniqueEmail('grace')
    const first = await signIn(email, { name: 'Grace' })
    const user = await User.findByOrFail('logto_id', first.logtoId)

    /* A second browser: new app session, new provider session, same email. */
    const second = await signIn(email.toUpperCase(), { name: 'Grace Hopper' })
    assert.equal(second.logtoId, first.logtoId)
    assert.lengthOf(await User.query().where('logto_id', first.logtoId), 1)

    await user.refresh()
    assert.equal(user.username, 'Grace Hopper')

    /* No name this time: the one we have is kept. */
    await signIn(email)
    await user.refresh()
    assert.equal(user.username, 'Grace Hopper')
    assert.deepEqual(await eventsOf(user.id), [
      'user.signed_up',
      'user.signed_in',
      'user.signed_in',
      'user.signed_in',
    ])
  })

  test('two callbacks for the same new subject at once create one user', async ({ assert }) => {
    const email = uniqueEmail('twin')
    const [a, b] = await Promise.all([
      signInUntilCallback(email, { name: 'Twin' }),
      signInUntilCallback(email, { name: 'Twin' }),
    ])
    const [responseA, responseB] = await Promise.all([
      a.session.get(a.callbackUrl.href),
      b.session.get(b.callbackUrl.href),
    ])
    assert.equal(responseA.status, 302)
    assert.equal(responseB.status, 302)

    const users = await User.query().where('email', email.toLowerCase())
    assert.lengthOf(users, 1)
    const events = await eventsOf(users[0].id)
    assert.deepEqual(events.sort(), ['user.signed_in', 'user.signed_in', 'user.signed_up'])
  })

  test('sign-out needs the CSRF token, then ends both sessions and lands on the landing page', async ({
    assert,
  }) => {
    const signedIn = await signIn(uniqueEmail('linus'), { name: 'Linus' })
    const { session } = signedIn
    const user = await User.findByOrFail('logto_id', signedIn.logtoId)

    /* Without the token: refused, still signed in. */
    const forged = await session.request('/sign-out', { method: 'POST', form: {} })
    assert.equal(forged.status, 302)
    assert.notMatch(forged.headers.get('location') ?? '', /\/oidc\/session\/end/)
    await forged.arrayBuffer()
    const stillIn = await session.get('/chat')
    assert.equal(stillIn.status, 200)
    assert.notInclude(await eventsOf(user.id), 'user.signed_out')

    /* With it: local sign-out, then the provider's end-session, then "/". */
    const { hops, finalUrl } = await signOut(session)
    assert.equal(hops[0].pathname, '/oidc/session/end')
    assert.equal(hops[0].searchParams.get('post_logout_redirect_uri'), `${appBaseUrl()}/`)
    assert.equal(finalUrl.href, `${appBaseUrl()}/`)
    assert.include(await eventsOf(user.id), 'user.signed_out')

    const chat = await session.get('/chat')
    assert.equal(chat.status, 302)
    assert.match(chat.headers.get('location')!, /^\/sign-in\?return_to=/)

    /* The provider session ended too: signing in again asks for an email again. */
    const again = await session.get('/sign-in')
    const { url } = await session.follow(again, {
      stopAt: (next) => next.pathname === '/sign-in/callback',
    })
    assert.equal(url.pathname.split('/')[1], 'dev-sign-in')
  })
})
