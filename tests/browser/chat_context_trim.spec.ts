import { randomUUID } from 'node:crypto'
import { test } from '@japa/runner'
import limiter from '@adonisjs/limiter/services/main'
import { EMULATOR_MODEL_ID } from '#config/models'
import { watchCsp } from '#tests/browser/support/csp_watch'
import {
  composer,
  openSeededChat,
  seedChat,
  signIn,
  userIdFor,
} from '#tests/browser/support/chat_seed'
import { ensureSmallContextModel } from '#tests/support/context_models'

/*
| The thread shows where the model's view of the conversation starts when the
| prompt had to be trimmed to the model's context window: a marker above the
| oldest message the newest answer was given.
*/

/* ~130 approximate tokens each: four of them overflow a 400-token window. */
const long = (label: string) => `${label} ${'words to fill the window '.repeat(20)}`.trim()

test.group('Context limit marker', (group) => {
  group.each.setup(() => limiter.clear())

  test('a trimmed prompt shows a marker at the cut; an answer given everything does not', async ({
    browserContext,
    assert,
  }) => {
    const csp = await watchCsp(browserContext)
    const smallModel = await ensureSmallContextModel(400)
    const email = `trim-${randomUUID()}@example.com`
    const page = await signIn(browserContext, email)
    const { chatId } = await seedChat(
      await userIdFor(email),
      [
        { role: 'user', text: long('First question') },
        { role: 'assistant', text: long('First answer') },
        { role: 'user', text: long('Second question') },
        { role: 'assistant', text: long('Second answer') },
      ],
      { model: smallModel }
    )
    await openSeededChat(page, chatId)
    await page.getByText('Second answer').waitFor()
    /* Nothing was trimmed yet: no marker. */
    assert.equal(await page.getByTestId('context-trim-marker').count(), 0)

    /* A new question on the small model: the first exchange no longer fits. */
    await composer(page).fill('Latest question [[tokens:4]]')
    await composer(page).press('Enter')
    await page
      .locator('[data-testid="assistant-message"][data-status="complete"]')
      .getByText('Echo: Latest question')
      .waitFor()
    const marker = page.getByTestId('context-trim-marker')
    await marker.waitFor()
    assert.equal(await marker.count(), 1)
    assert.include(
      await marker.innerText(),
      'Earlier messages aren’t sent to the model: context limit'
    )

    /* It sits right above the second question, the oldest message the model was given. */
    const row = page.locator('[data-index]').filter({ has: marker })
    assert.include(await row.getByTestId('user-message').innerText(), 'Second question')
    assert.equal(await row.getByTestId('assistant-message').count(), 0)
    const markerRow = Number(await row.getAttribute('data-index'))
    const firstQuestionRow = page
      .locator('[data-index]')
      .filter({ has: page.getByText('First question') })
    assert.isBelow(Number(await firstQuestionRow.getAttribute('data-index')), markerRow)

    /* The same question regenerated on a model with room for everything: no cut, no marker. */
    await page.getByTestId('model-picker').click()
    await page.locator(`[role="option"][data-model-id="${EMULATOR_MODEL_ID}"]`).click()
    const latest = page.getByTestId('assistant-message').last()
    await latest.hover()
    await latest.getByRole('button', { name: 'Regenerate answer' }).click()
    await page
      .getByTestId('assistant-message')
      .last()
      .and(page.locator('[data-status="complete"]'))
      .getByTestId('branch-position')
      .getByText('2/2')
      .waitFor()
    await marker.waitFor({ state: 'detached' })

    csp.assertNone()
  }).timeout(300_000)
})
