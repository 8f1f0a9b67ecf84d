import { randomUUID } from 'node:crypto'
import { test } from '@japa/runner'
import limiter from '@adonisjs/limiter/services/main'
import { watchCsp } from '#tests/browser/support/csp_watch'
import {
  clearClipboard,
  clipboardOnce,
  openSeededChat,
  seedChat,
  signIn,
  userIdFor,
} from '#tests/browser/support/chat_seed'

/*
| How answers render: markdown (GFM), Shiki code blocks with copy buttons,
| KaTeX maths, all under the app's Content-Security-Policy; and a long chat
| stays virtualized.
*/

const CODE = 'const greeting: string = "hello"\nfunction double(n: number) {\n  return n * 2\n}'

const ANSWER = [
  '## Results',
  '',
  'Here is a **table**:',
  '',
  '| Name | Score |',
  '|------|------:|',
  '| Ada  | 10    |',
  '| Alan | 9     |',
  '',
  '- first item',
  '- second item with [a link](https://example.com/docs)',
  '',
  '```ts',
  CODE,
  '```',
  '',
  'Inline maths $a^2 + b^2 = c^2$ and a display:',
  '',
  '$$',
  '\\int_0^1 x\\,dx = \\frac{1}{2}',
  '$$',
].join('\n')

/* Runs in the page (the server-side TypeScript project has no DOM types). */
const colorOf = (element: unknown) => (globalThis as any).getComputedStyle(element).color as string

test.group('Chat rendering', (group) => {
  group.each.setup(() => limiter.clear())

  test('an answer renders markdown, highlighted code with copy, and maths, with no CSP violation', async ({
    browserContext,
    assert,
  }) => {
    const csp = await watchCsp(browserContext)
    await browserContext.grantPermissions(['clipboard-read', 'clipboard-write'])
    const email = `render-${randomUUID()}@example.com`
    const page = await signIn(browserContext, email)
    const { chatId } = await seedChat(await userIdFor(email), [
      { role: 'user', text: 'Show me everything' },
      {
        role: 'assistant',
        text: ANSWER,
        usage: { inputTokens: 12, outputTokens: 1_222 },
        costMicros: 4_321,
      },
    ])
    await openSeededChat(page, chatId)
    const answer = page.getByTestId('assistant-message')
    await answer.getByRole('heading', { name: 'Results' }).waitFor()

    /* What it used, beside its actions: tokens and cost, the split and exact cost on hover. */
    const usage = answer.getByTestId('message-usage')
    assert.equal(await usage.textContent(), '1,234 tokens · $0.0043')
    assert.equal(await usage.getAttribute('title'), '12 in · 1,222 out · $0.004321')

    /* GFM table and list. */
    assert.deepEqual(await answer.locator('th').allTextContents(), ['Name', 'Score'])
    assert.deepEqual(await answer.locator('td').allTextContents(), ['Ada', '10', 'Alan', '9'])
    assert.equal(await answer.locator('li').count(), 2)

    /* Links leave in a new tab without a handle on this page. */
    const link = answer.getByRole('link', { name: 'a link' })
    assert.equal(await link.getAttribute('href'), 'https://example.com/docs')
    assert.equal(await link.getAttribute('target'), '_blank')
    assert.include((await link.getAttribute('rel')) ?? '', 'noopener')

    /* Shiki colours arrive (lazy-loaded), as CSS variables on token spans. */
    const block = answer.getByTestId('code-block')
    assert.equal(await block.getAttribute('data-language'), 'typescript')
    const code = block.locator('code[data-highlighted="true"]')
    await code.waitFor()
    assert.equal(await code.innerText(), CODE)
    const colored = await code.locator('span[style*="--shiki-light"]').count()
    assert.isAbove(colored, 5)
    const keywordColor = await code
      .locator('span', { hasText: /^const$/ })
      .first()
      .evaluate(colorOf)
    assert.notEqual(keywordColor, await code.evaluate(colorOf))

    /* Copy buttons: the code block's and the whole answer's. */
    await clearClipboard(page)
    await block.getByTestId('copy-code').click()
    assert.equal(await clipboardOnce(page, CODE), CODE)
    await answer.hover()
    await clearClipboard(page)
    await answer.getByTestId('copy-message').click()
    assert.equal(await clipboardOnce(page, ANSWER), ANSWER)

    /* KaTeX: one inline formula and one display formula, laid out by its stylesheet. */
    assert.equal(await answer.locator('.katex-display').count(), 1)
    assert.equal(await answer.locator('.katex').count(), 2)
    assert.equal(
      await answer
        .locator('.katex-display .katex-html')
        .first()
        .evaluate((element) => (globalThis as any).getComputedStyle(element).display),
      'block'
    )

    csp.assertNone()
  }).timeout(300_000)

  test('a chat of 1,200 messages keeps only a window of them in the DOM', async ({
    browserContext,
    assert,
  }) => {
    const csp = await watchCsp(browserContext)
    const email = `long-${randomUUID()}@example.com`
    const page = await signIn(browserContext, email)
    const messages = Array.from({ length: 1200 }, (_, index) => ({
      role: index % 2 === 0 ? ('user' as const) : ('assistant' as const),
      text: `Message number ${index + 1}${index % 2 === 1 ? '\n\n- a point\n- another' : ''}`,
    }))
    const { chatId } = await seedChat(await userIdFor(email), messages)

    await openSeededChat(page, chatId)
    await page.locator('[data-testid="message-list"][data-count="1200"]').waitFor()

    /* Opens at the latest message, which is on screen. */
    const last = page.getByTestId('assistant-message').filter({ hasText: 'Message number 1200' })
    await last.waitFor()
    assert.isTrue(await last.isVisible())

    const rendered = await page
      .locator('[data-testid="user-message"], [data-testid="assistant-message"]')
      .count()
    assert.isBelow(rendered, 60)
    assert.isAbove(rendered, 0)

    /* Scrolling to the top brings the first message in, and the rows stay few. */
    await page.getByTestId('thread-viewport').evaluate((element: any) => {
      element.style.scrollBehavior = 'auto'
      element.scrollTop = 0
    })
    await page
      .getByTestId('user-message')
      .filter({ hasText: /^Message number 1$/ })
      .waitFor()
    assert.isBelow(
      await page.locator('[data-testid="user-message"], [data-testid="assistant-message"]').count(),
      60
    )

    csp.assertNone()
  }).timeout(300_000)
})
