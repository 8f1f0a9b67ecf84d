import { randomUUID } from 'node:crypto'
import { test } from '@japa/runner'
import User from '#models/user'
import { BrowserSession, inertiaPage } from '#tests/helpers/browser_session'
import { signInUntilCallback } from '#tests/helpers/sign_in'

const uniqueEmail = (label: string) => `${label}-${randomUUID()}@example.com`

/* The refusal page: a 4xx, our sign-in-failed page, and no app session. */
async function assertRefused(
  assert: any,
  browser: BrowserSession,
  response: Response,
  expected: { status?: number; code: string }
) {
  assert.equal(response.status, expected.status ?? 400)
  const page = inertiaPage(await response.text())
  assert.equal(page.component, 'auth/sign_in_failed')
  assert.equal(page.props.code, expected.code)
  assert.isString(page.props.message)
  assert.isUndefined(page.props.user)

  const chat = await browser.get('/chat')
  assert.equal(chat.status, 302)
  assert.match(chat.headers.get('location')!, /^\/sign-in/)
}

test.group('Sign-in callback: forged and replayed responses', () => {
  test('a callback with a forged state is refused', async ({ assert }) => {
    const email = uniqueEmail('forged')
    const { session, callbackUrl } = await signInUntilCallback(email)

    const forged = new URL(callbackUrl)
    forged.searchParams.set('state', 'forged-state-' + randomUUID())
    await assertRefused(assert, session, await session.get(forged.href), {
      code: 'E_SIGN_IN_STATE_MISMATCH',
    })
    assert.isNull(await User.findBy('email', email))

    /* The pending sign-in was dropped: even the genuine response is no longer accepted. */
    await assertRefused(assert, session, await session.get(callbackUrl.href), {
      code: 'E_SIGN_IN_SESSION_NOT_FOUND',
    })
  })

  test('a callback without state is refused', async ({ assert }) => {
    const { session, callbackUrl } = await signInUntilCallback(uniqueEmail('stateless'))
    const stripped = new URL(callbackUrl)
    stripped.searchParams.delete('state')
    await assertRefused(assert, session, await session.get(stripped.href), {
      code: 'E_SIGN_IN_STATE_MISMATCH',
    })
  })

  test('a replayed callback (same code and state, same browser) is refused', async ({ assert }) => {
    const { session, callbackUrl } = await signInUntilCallback(uniqueEmail('replay'))
    const first = await session.get(callbackUrl.href)
    assert.equal(first.status, 302)
    await first.arrayBuffer()

    /* Signed in now; replay the same response. */
    const replay = await session.get(callbackUrl.href)
    assert.equal(replay.status, 400)
    const page = inertiaPage(await replay.text())
    assert.equal(page.props.code, 'E_SIGN_IN_SESSION_NOT_FOUND')
  })

  test('a replayed callback with the cookies from before the first use is refused by the code check', async ({
    assert,
  }) => {
    const email = uniqueEmail('replay-cookies')
    const { session, callbackUrl } = await signInUntilCallback(email)
    /* An attacker who copied the cookies and the URL before the victim's browser used them. */
    const copy = session.fork()

    const first = await session.get(callbackUrl.href)
    assert.equal(first.status, 302)
    await first.arrayBuffer()

    /* State still matches in the copied session, but the code was already exchanged. */
    await assertRefused(assert, copy, await copy.get(callbackUrl.href), {
      code: 'E_SIGN_IN_CODE_REJECTED',
    })
  })

  test('a callback in a browser that never started a sign-in is refused', async ({ assert }) => {
    const { callbackUrl } = await signInUntilCallback(uniqueEmail('victim'))
    /* Login CSRF: the attacker's code and state, delivered to someone else's browser. */
    const stranger = new BrowserSession()
    await assertRefused(assert, stranger, await stranger.get(callbackUrl.href), {
      code: 'E_SIGN_IN_SESSION_NOT_FOUND',
    })
  })

  test('an error sent back by the provider is shown as a refusal, not a crash', async ({
    assert,
  }) => {
    const { session, callbackUrl } = await signInUntilCallback(uniqueEmail('denied'))
    const denied = new URL(callbackUrl)
    denied.searchParams.delete('code')
    denied.searchParams.set('error', 'access_denied')
    denied.searchParams.set('error_description', 'End-User aborted interaction')
    await assertRefused(assert, session, await session.get(denied.href), {
      code: 'E_SIGN_IN_REFUSED',
    })
  })

  test('a malformed callback query is refused', async ({ assert }) => {
    const browser = new BrowserSession()
    await assertRefused(
      assert,
      browser,
      await browser.get('/sign-in/callback?code[a]=1&state[b]=2'),
      {
        code: 'E_SIGN_IN_FAILED',
      }
    )
  })
})
