import { test } from '@japa/runner'
import User from '#models/user'
import { BrowserSession } from '#tests/helpers/browser_session'
import { signIn, signOut } from '#tests/helpers/sign_in'
import { jsonRequest } from '#tests/support/llm'

/* GET /api/session: what a chat page asks when one of its sockets is refused. */
test.group('Session probe', () => {
  test('answers the signed-in user, then 401 once signed out; never cached', async ({ assert }) => {
    const { session, email } = await signIn(`probe-${Date.now()}@example.com`)
    const user = await User.findByOrFail('email', email)

    const signedIn = await jsonRequest(session, 'GET', '/api/session')
    assert.equal(signedIn.status, 200)
    assert.deepEqual(signedIn.body, { data: { userId: user.id } })
    assert.equal(signedIn.headers.get('cache-control'), 'no-store')

    await signOut(session)
    const signedOut = await jsonRequest(session, 'GET', '/api/session')
    assert.equal(signedOut.status, 401)
    assert.equal(signedOut.body.errors[0].code, 'E_SIGNED_OUT')
    assert.equal(signedOut.headers.get('cache-control'), 'no-store')

    const stranger = await jsonRequest(new BrowserSession(), 'GET', '/api/session')
    assert.equal(stranger.status, 401)
  })
})
