import { test } from '@japa/runner'
import { SIGN_IN_ATTEMPTS_PER_MINUTE } from '#auth/limiters'
import { BrowserSession } from '#tests/helpers/browser_session'

test.group('Sign-in rate limit', () => {
  test('/sign-in answers 429 with a clear message once an address used its attempts', async ({
    assert,
  }) => {
    /* A fresh address (X-Forwarded-For from the trusted loopback proxy) starts with a full allowance. */
    const browser = new BrowserSession()
    for (let attempt = 1; attempt <= SIGN_IN_ATTEMPTS_PER_MINUTE; attempt++) {
      const response = await browser.get('/sign-in')
      assert.equal(response.status, 302, `attempt ${attempt}`)
      assert.equal(
        response.headers.get('x-ratelimit-remaining'),
        String(SIGN_IN_ATTEMPTS_PER_MINUTE - attempt)
      )
      await response.arrayBuffer()
    }

    const limited = await browser.get('/sign-in')
    assert.equal(limited.status, 429)
    assert.match(await limited.text(), /Too many sign-in attempts/)
    assert.isAbove(Number(limited.headers.get('retry-after')), 0)

    /* The callback is limited on its own count; another address is unaffected. */
    const other = new BrowserSession()
    const fromOther = await other.get('/sign-in')
    assert.equal(fromOther.status, 302)
  })

  test('the callback is rate limited too', async ({ assert }) => {
    const browser = new BrowserSession()
    for (let attempt = 1; attempt <= SIGN_IN_ATTEMPTS_PER_MINUTE; attempt++) {
      const response = await browser.get('/sign-in/callback?code=x&state=y')
      assert.equal(response.status, 400, `attempt ${attempt}`)
      await response.arrayBuffer()
    }
    const limited = await browser.get('/sign-in/callback?code=x&state=y')
    assert.equal(limited.status, 429)
    assert.match(await limited.text(), /Too many sign-in attempts/)
  })
})
