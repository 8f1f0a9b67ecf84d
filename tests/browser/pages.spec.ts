import { test } from '@japa/runner'
import { watchCsp } from '#tests/browser/support/csp_watch'
import { computedStyle, isDark } from '#tests/browser/support/page_state'

test.group('Pages', () => {
  test('an unknown address shows the 404 page in the app style', async ({
    browserContext,
    assert,
  }) => {
    const csp = await watchCsp(browserContext)
    const page = await browserContext.newPage()
    page.setDefaultTimeout(90_000)

    const response = await page.goto('/no-such-page')
    assert.equal(response?.status(), 404)
    /* Unknown pages get the same policy as every other page. */
    assert.match(response?.headers()['content-security-policy'] ?? '', /script-src 'self' 'nonce-/)
    await page.assertText('h1', 'Page not found')
    await page.assertVisible(page.getByRole('link', { name: 'Back to the home page' }))
    /* Styled by the app's stylesheet, not the browser's defaults. */
    const bodyFont = await computedStyle(page, 'body', 'font-family')
    assert.include(bodyFont, 'system-ui')

    csp.assertNone()
  })

  test('the theme follows prefers-color-scheme before the app script runs', async ({
    browserContext,
    assert,
  }) => {
    const csp = await watchCsp(browserContext)
    const page = await browserContext.newPage()
    page.setDefaultTimeout(90_000)
    await page.emulateMedia({ colorScheme: 'dark' })

    /*
    | Without the app bundle only the inline script in the root view can set
    | the theme: proof that it is applied before first paint, not by React.
    */
    await page.route(/\/inertia\/app\.tsx|\/assets\/.*\.js$/, (route) => route.abort())
    await page.goto('/')
    assert.isTrue(await isDark(page))
    await page.unroute(/\/inertia\/app\.tsx|\/assets\/.*\.js$/)

    await page.emulateMedia({ colorScheme: 'light' })
    await page.reload()
    await page.assertTextContains('h1', 'Every model')
    assert.isFalse(await isDark(page))

    /* The app follows a system change while open. */
    await page.emulateMedia({ colorScheme: 'dark' })
    await page.locator('html.dark').waitFor({ state: 'attached' })

    const background = await computedStyle(page, 'body', 'background-color')
    assert.notEqual(background, 'rgb(255, 255, 255)')

    csp.assertNone()
  })

  test('a chosen theme overrides the system and survives a reload', async ({
    browserContext,
    assert,
  }) => {
    const csp = await watchCsp(browserContext)
    const page = await browserContext.newPage()
    page.setDefaultTimeout(90_000)
    await page.emulateMedia({ colorScheme: 'light' })
    await page.goto('/')
    await page.assertTextContains('h1', 'Every model')

    await page.getByRole('button', { name: 'Theme' }).click()
    await page.getByRole('menuitemradio', { name: 'Dark' }).click()
    assert.isTrue(await isDark(page))

    await page.reload()
    assert.isTrue(await isDark(page))

    await page.getByRole('button', { name: 'Theme' }).click()
    await page.getByRole('menuitemradio', { name: 'System' }).click()
    assert.isFalse(await isDark(page))
    assert.isNull(await page.evaluate<string | null>(`localStorage.getItem('theme')`))

    csp.assertNone()
  })

  test('the policy is enforced: a script without the nonce is blocked and reported', async ({
    browserContext,
    assert,
  }) => {
    const csp = await watchCsp(browserContext)
    const page = await browserContext.newPage()
    page.setDefaultTimeout(90_000)
    const response = await page.goto('/')
    await page.assertTextContains('h1', 'Every model')
    const policy = response?.headers()['content-security-policy'] ?? ''
    assert.match(policy, /script-src 'self' 'nonce-[\w-]+'/)

    /* An inline script added at run time carries no nonce, so the browser must refuse it. */
    const blocked = await page.evaluate<string>(`new Promise((resolve) => {
      document.addEventListener('securitypolicyviolation', (event) => resolve(event.effectiveDirective), { once: true })
      const script = document.createElement('script')
      script.textContent = 'window.__injected = true'
      document.head.append(script)
    })`)
    assert.equal(blocked, 'script-src-elem')
    assert.equal(await page.evaluate<string>('typeof window.__injected'), 'undefined')
    await csp.recorded()
    assert.throws(() => csp.assertNone(), /Content-Security-Policy violations/)
  })
})
