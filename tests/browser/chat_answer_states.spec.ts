import { randomUUID } from 'node:crypto'
import { test } from '@japa/runner'
import app from '@adonisjs/core/services/app'
import db from '@adonisjs/lucid/services/db'
import limiter from '@adonisjs/limiter/services/main'
import type { Locator, Page } from 'playwright'
import { replyTokens } from '#llm/emulator/emulator_script'
import { EMULATOR_MODEL_ID } from '#config/models'
import InterruptedAnswersService from '#chat/services/interrupted_answers_service'
import { watchCsp } from '#tests/browser/support/csp_watch'
import {
  appendServerEvents,
  composer,
  openSeededChat,
  seedChat,
  signIn,
  userIdFor,
} from '#tests/browser/support/chat_seed'

/*
| How an answer ends, seen in a real Chromium: interrupted by a server
| restart (then retried from its note), stopped by the person mid-answer,
| and copied into a new chat ("Branch into a new chat"). Answers come from
| the in-process development emulator, whose text is deterministic.
*/

const expectedAnswer = (prompt: string, tokens: number) => replyTokens(prompt, tokens).join('')

const answers = (page: Page) => page.getByTestId('assistant-message')

async function textOf(message: Locator) {
  const markdown = message.getByTestId('markdown')
  if ((await markdown.count()) === 0) return ''
  const text = await markdown.innerText()
  return text.trim()
}

const threadTexts = (page: Page) =>
  page
    .locator(
      '[data-testid="user-message"] .whitespace-pre-wrap, [data-testid="assistant-message"] [data-testid="markdown"]'
    )
    .allInnerTexts()

const serverAnswer = (id: string) =>
  db.from('messages').where('id', id).select('status', 'content').first()

test.group('How answers end, in the browser', (group) => {
  group.each.setup(() => limiter.clear())

  test('an answer interrupted by a restart shows its text and a note; Retry answers again', async ({
    browserContext,
    assert,
  }) => {
    const csp = await watchCsp(browserContext)
    const email = `interrupted-${randomUUID()}@example.com`
    const page = await signIn(browserContext, email)
    const userId = await userIdFor(email)

    /*
    | What a process that died mid-answer leaves (Started and a checkpoint,
    | no Finished), then what the next process does at boot: the answer is
    | finished as interrupted with its checkpointed text.
    */
    const prompt = 'Explain restarts [[tokens:20]] [[tps:50]]'
    const { chatId, ids } = await seedChat(userId, [{ role: 'user', text: prompt }], {
      title: 'Restarted',
      model: EMULATOR_MODEL_ID,
    })
    const [questionId] = ids
    const interruptedId = randomUUID()
    const checkpointed = expectedAnswer(prompt, 20).split(' ').slice(0, 6).join(' ')
    await appendServerEvents(userId, [
      {
        name: 'v1.AssistantMessageStarted',
        args: {
          id: interruptedId,
          chatId,
          parentId: questionId,
          model: EMULATOR_MODEL_ID,
          createdAt: Date.now(),
        },
      },
      { name: 'v1.AssistantTextCheckpoint', args: { id: interruptedId, text: checkpointed } },
    ])
    const recovery = await app.container.make(InterruptedAnswersService)
    await recovery.finishAll()
    const recovered = await serverAnswer(interruptedId)
    assert.equal(recovered.status, 'interrupted')

    const catalogRequests: string[] = []
    page.on('request', (request) => {
      if (new URL(request.url()).pathname === '/api/models') catalogRequests.push(request.url())
    })
    await openSeededChat(page, chatId)
    const interrupted = page.locator(
      `[data-testid="assistant-message"][data-message-id="${interruptedId}"][data-status="interrupted"]`
    )
    await interrupted.waitFor()
    assert.equal(await textOf(interrupted), checkpointed)
    const note = interrupted.getByTestId('message-ended')
    assert.include(await note.innerText(), 'Interrupted')
    /* The model's catalog name, not its id. */
    await interrupted.getByTestId('message-model').getByText('Development emulator').waitFor()
    /* The model picker and the names under answers share one catalog request. */
    assert.lengthOf(catalogRequests, 1)

    /* Retry: a new version of the answer, complete this time, shown as 2/2. */
    await note.getByRole('button', { name: 'Retry' }).click()
    const retried = page.locator('[data-testid="assistant-message"][data-status="complete"]')
    await retried.waitFor()
    assert.equal(await textOf(retried), expectedAnswer(prompt, 20))
    assert.equal(await retried.getByTestId('branch-position').innerText(), '2/2')
    assert.equal(await page.getByTestId('message-ended').count(), 0)
    const retriedId = await retried.getAttribute('data-message-id')
    const row = await db.from('messages').where('id', retriedId!).first()
    assert.equal(row.parent_message_id, questionId)
    assert.equal(row.status, 'complete')

    /* Back to the first version: still interrupted, text and Retry kept. */
    await retried.getByRole('button', { name: 'Previous version' }).click()
    await interrupted.waitFor()
    assert.equal(await textOf(interrupted), checkpointed)
    assert.isTrue(await note.getByRole('button', { name: 'Retry' }).isVisible())

    csp.assertNone()
  }).timeout(300_000)

  test('Stop mid-answer ends it as stopped with the text so far', async ({
    browserContext,
    assert,
  }) => {
    const csp = await watchCsp(browserContext)
    const page = await signIn(browserContext, `stop-${randomUUID()}@example.com`)
    await page.getByTestId('model-picker').click()
    await page.locator(`[role="option"][data-model-id="${EMULATOR_MODEL_ID}"]`).click()
    await page.locator('[role="listbox"]').waitFor({ state: 'detached' })

    const prompt = 'Go on forever [[tokens:3000]] [[tps:20]]'
    await composer(page).fill(prompt)
    await composer(page).press('Enter')
    await page.waitForURL(/\/chat\/[0-9a-f-]{36}$/)
    const full = expectedAnswer(prompt, 3000)

    /* Some words have arrived and more are coming. */
    const streaming = page.locator('[data-testid="assistant-message"][data-status="streaming"]')
    await streaming
      .getByTestId('markdown')
      .filter({ hasText: full.split(' ').slice(0, 10).join(' ') })
      .waitFor()
    const answerId = (await streaming.getAttribute('data-message-id'))!
    await streaming.getByRole('button', { name: 'Stop' }).click()

    const stopped = page.locator(
      `[data-testid="assistant-message"][data-message-id="${answerId}"][data-status="stopped"]`
    )
    await stopped.waitFor()
    assert.equal(await stopped.getByTestId('message-ended').innerText(), 'Stopped')
    assert.equal(await stopped.getByRole('button', { name: 'Stop' }).count(), 0)
    const shown = await textOf(stopped)
    /* The start of the answer, cut well before its end (3,000 words at 20 a second). */
    assert.isTrue(full.startsWith(shown), `not a prefix: ${shown}`)
    assert.isAtLeast(shown.split(' ').length, 10)
    assert.isBelow(shown.length, full.length / 2)

    /* The server kept the same text, as stopped. */
    const row = await serverAnswer(answerId)
    assert.equal(row.status, 'stopped')
    assert.equal(row.content, shown)

    /* Regenerate stays on offer for a stopped answer. */
    await stopped.hover()
    await stopped.getByRole('button', { name: 'Regenerate answer' }).waitFor()

    csp.assertNone()
  }).timeout(300_000)

  test('Branch into a new chat copies the path up to that answer into a chat of its own', async ({
    browserContext,
    assert,
  }) => {
    const csp = await watchCsp(browserContext)
    const email = `branch-${randomUUID()}@example.com`
    const page = await signIn(browserContext, email)
    const userId = await userIdFor(email)
    const { chatId, ids } = await seedChat(
      userId,
      [
        { role: 'user', text: 'Where should I travel?' },
        { role: 'assistant', text: 'Lisbon in spring.' },
        { role: 'user', text: 'And in winter?' },
        { role: 'assistant', text: 'The Canary Islands.' },
      ],
      { title: 'Travel', model: EMULATOR_MODEL_ID }
    )

    await openSeededChat(page, chatId)
    await page.getByText('The Canary Islands.').waitFor()
    const first = answers(page).filter({ hasText: 'Lisbon in spring.' })
    await first.hover()
    await first.getByRole('button', { name: 'Branch into a new chat' }).click()

    /* The new chat opens, with the path up to the branched answer only. */
    await page.waitForURL(
      (url) => /^\/chat\/[0-9a-f-]{36}$/.test(url.pathname) && !url.pathname.endsWith(chatId)
    )
    const newChatId = new URL(page.url()).pathname.split('/').pop()!
    await page.getByText('Lisbon in spring.').waitFor()
    assert.deepEqual(await threadTexts(page), ['Where should I travel?', 'Lisbon in spring.'])
    await page
      .locator(`[data-testid="chat-list-item"][data-chat-id="${newChatId}"]`)
      .getByText('Travel (branch)')
      .waitFor()

    /* On the server: a chat of this user with copies (new ids); the original is untouched. */
    const chat = await db.from('chats').where('id', newChatId).first()
    assert.equal(chat.user_id, userId)
    const copied = await db.from('messages').where('chat_id', newChatId).orderBy('created_at')
    assert.deepEqual(
      copied.map((message) => message.content),
      ['Where should I travel?', 'Lisbon in spring.']
    )
    assert.isEmpty(copied.filter((message) => ids.includes(message.id)))
    const original = await db.from('messages').where('chat_id', chatId).count('* as n')
    assert.equal(Number(original[0].n), 4)

    /* The branch goes on on its own: a question there gets an answer there. */
    const followUp = 'What about autumn? [[tokens:6]] [[tps:100]]'
    await composer(page).fill(followUp)
    await composer(page).press('Enter')
    await answers(page)
      .last()
      .and(page.locator('[data-status="complete"]'))
      .getByText(expectedAnswer(followUp, 6))
      .waitFor()
    const branchThread = await threadTexts(page)
    assert.deepEqual(branchThread, [
      'Where should I travel?',
      'Lisbon in spring.',
      followUp,
      expectedAnswer(followUp, 6),
    ])
    const inOriginal = await db.from('messages').where('chat_id', chatId).count('* as n')
    assert.equal(Number(inOriginal[0].n), 4)

    csp.assertNone()
  }).timeout(300_000)
})
