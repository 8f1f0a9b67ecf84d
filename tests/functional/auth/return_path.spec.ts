import { randomUUID } from 'node:crypto'
import { test } from '@japa/runner'
import { DEFAULT_RETURN_PATH, safeReturnPath } from '#auth/validators/sign_in_validators'
import { BrowserSession } from '#tests/helpers/browser_session'
import { signIn } from '#tests/helpers/sign_in'

const uniqueEmail = (label: string) => `${label}-${randomUUID()}@example.com`

const OPEN_REDIRECTS = [
  '//evil.com',
  'https://evil.com',
  '/\\evil.com',
  '\\\\evil.com',
  '/\t/evil.com',
  '/\n/evil.com',
  'javascript:alert(1)',
  'evil.com',
  '',
]

test.group('Sign-in return path', () => {
  test('an open-redirect return path {$self} is refused: the sign-in ends on /chat')
    .with(['//evil.com', 'https://evil.com', '/\\evil.com'])
    .run(async ({ assert }, returnTo) => {
      const signedIn = await signIn(uniqueEmail('redirect'), { returnTo })
      assert.equal(signedIn.location, DEFAULT_RETURN_PATH)
    })

  test('a same-site return path survives the round trip through the provider', async ({
    assert,
  }) => {
    const signedIn = await signIn(uniqueEmail('roundtrip'), { returnTo: '/chat/123?branch=2#m' })
    assert.equal(signedIn.location, '/chat/123?branch=2#m')
  })

  test('a signed-in visitor at /sign-in goes straight to a safe return path', async ({
    assert,
  }) => {
    const { session } = await signIn(uniqueEmail('already'))
    for (const returnTo of OPEN_REDIRECTS) {
      /* The same signed-in cookies from a fresh address each time, to stay clear of the rate limit. */
      const tab = new BrowserSession({ jar: session.jar })
      const response = await tab.get(`/sign-in?return_to=${encodeURIComponent(returnTo)}`)
      assert.equal(response.status, 302, returnTo)
      assert.equal(response.headers.get('location'), DEFAULT_RETURN_PATH, JSON.stringify(returnTo))
    }
    const kept = await new BrowserSession({ jar: session.jar }).get(
      `/sign-in?return_to=${encodeURIComponent('/chat?x=1')}`
    )
    assert.equal(kept.headers.get('location'), '/chat?x=1')
  })

  test('the return path validator accepts only same-site paths', async ({ assert }) => {
    for (const candidate of [...OPEN_REDIRECTS, null, undefined, 42, ['/chat'], '/'.repeat(3000)]) {
      assert.equal(await safeReturnPath(candidate), DEFAULT_RETURN_PATH, JSON.stringify(candidate))
    }
    for (const candidate of ['/', '/chat', '/chat/abc?q=1&r=%2F%2Fx', '/settings#keys']) {
      assert.equal(await safeReturnPath(candidate), candidate)
    }
  })
})
