import { randomUUID } from 'node:crypto'
import { test } from '@japa/runner'
import limiter from '@adonisjs/limiter/services/main'
import type { Page } from 'playwright'
import { watchCsp } from '#tests/browser/support/csp_watch'
import { openSeededChat, seedChat, signIn, userIdFor } from '#tests/browser/support/chat_seed'

/*
| Branch navigation in a real browser: the < n/m > pickers switch the shown
| path (committing the chat's active leaf), and edit-and-resend adds a sibling.
*/

const texts = (page: Page) =>
  page
    .locator(
      '[data-testid="user-message"] .whitespace-pre-wrap, [data-testid="assistant-message"] [data-testid="markdown"]'
    )
    .allInnerTexts()

test.group('Chat branches', (group) => {
  group.each.setup(() => limiter.clear())

  test('switching branches shows the right path; an edit adds a sibling', async ({
    browserContext,
    assert,
  }) => {
    const csp = await watchCsp(browserContext)
    const email = `branches-${randomUUID()}@example.com`
    const page = await signIn(browserContext, email)
    const u1 = randomUUID()
    const a1 = randomUUID()
    /*
     * u1 ── a1 ── u2 ── a2
     *   └── a1b ── u3          (a1b: a regenerated answer, newest: the chat shows this path)
     */
    const { chatId } = await seedChat(await userIdFor(email), [
      { id: u1, role: 'user', text: 'Question one' },
      { id: a1, role: 'assistant', text: 'First answer' },
      { role: 'user', text: 'Follow-up on first' },
      {
        role: 'assistant',
        text: 'Second answer on first',
        status: 'error',
        error: 'The provider timed out.',
      },
      { role: 'assistant', text: 'Regenerated answer', parentId: u1 },
      { role: 'user', text: 'Follow-up on regenerated' },
    ])

    await openSeededChat(page, chatId)
    await page.getByText('Follow-up on regenerated').waitFor()
    assert.deepEqual(await texts(page), [
      'Question one',
      'Regenerated answer',
      'Follow-up on regenerated',
    ])
    const answer = page.getByTestId('assistant-message').first()
    assert.equal(await answer.getByTestId('branch-position').innerText(), '2/2')

    /* Back to the first answer: its own subtree's newest leaf is shown. */
    await answer.getByRole('button', { name: 'Previous version' }).click()
    await page.getByText('Follow-up on first').waitFor()
    assert.deepEqual(await texts(page), [
      'Question one',
      'First answer',
      'Follow-up on first',
      'Second answer on first',
    ])
    assert.equal(
      await page
        .getByTestId('assistant-message')
        .first()
        .getByTestId('branch-position')
        .innerText(),
      '1/2'
    )
    /* The failed answer shows its reason and a retry button. */
    const failed = page.getByTestId('message-error')
    assert.include(await failed.innerText(), 'The provider timed out.')
    assert.isTrue(await failed.getByRole('button', { name: 'Retry' }).isVisible())

    /* And forward again. */
    await page
      .getByTestId('assistant-message')
      .first()
      .getByRole('button', { name: 'Next version' })
      .click()
    await page.getByText('Follow-up on regenerated').waitFor()
    assert.equal(await page.getByText('Follow-up on first').count(), 0)

    /* Edit and resend the last user message: a sibling, shown as 2/2. */
    const last = page.getByTestId('user-message').last()
    await last.hover()
    await last.getByRole('button', { name: 'Edit message' }).click()
    const box = page.getByRole('textbox', { name: 'Edit message' })
    await box.fill('Follow-up, rephrased')
    await box.press('Enter')
    const edited = page.getByTestId('user-message').filter({ hasText: 'Follow-up, rephrased' })
    await edited.waitFor()
    assert.equal(await edited.getByTestId('branch-position').innerText(), '2/2')
    assert.equal(await page.getByText('Follow-up on regenerated').count(), 0)

    csp.assertNone()
  }).timeout(300_000)
})
