import { randomUUID } from 'node:crypto'
import { test } from '@japa/runner'
import limiter from '@adonisjs/limiter/services/main'
import type { Locator, Page } from 'playwright'
import { replyTokens } from '#llm/emulator/emulator_script'
import { EMULATOR_MODEL_ID } from '#config/models'
import db from '@adonisjs/lucid/services/db'
import app from '@adonisjs/core/services/app'
import { LiveSocketServer } from '#chat/services/live_socket_server'
import { devEmulator } from '#llm/emulator/dev_emulator'
import { watchCsp } from '#tests/browser/support/csp_watch'
import {
  clearClipboard,
  clipboardOnce,
  composer,
  liveSocketReady,
  signIn,
} from '#tests/browser/support/chat_seed'
import { upgradeSwitch } from '#tests/browser/support/upgrade_switch'

/*
| Answers streaming into a real Chromium from the real server and the
| in-process development emulator (the "Development emulator" model). The
| emulator's pace and length ride in the prompt ([[tokens:N]], [[tps:N]]),
| and its text is deterministic, so every byte shown can be checked.
*/

/* What the emulator answers to `prompt` when asked for `tokens` tokens. */
const expectedAnswer = (prompt: string, tokens: number) => replyTokens(prompt, tokens).join('')

async function pickModel(page: Page, modelId: string) {
  await page.getByTestId('model-picker').click()
  await page.locator(`[role="option"][data-model-id="${modelId}"]`).click()
  await page.locator('[role="listbox"]').waitFor({ state: 'detached' })
}

/* Starts a chat from /chat with the emulator picked; returns the chat id. */
async function startEmulatorChat(page: Page, prompt: string) {
  await pickModel(page, EMULATOR_MODEL_ID)
  await composer(page).fill(prompt)
  await composer(page).press('Enter')
  await page.waitForURL(/\/chat\/[0-9a-f-]{36}$/)
  return new URL(page.url()).pathname.split('/').pop()!
}

const wordCount = (text: string) => text.split(' ').length

const answer = (page: Page) => page.getByTestId('assistant-message').last()

/* The reply requests POSTed from `page` from now on (replies sent on /live are not requests). */
function postedReplies(page: Page) {
  const posted: string[] = []
  page.on('request', (request) => {
    if (request.method() === 'POST' && /\/reply$/.test(new URL(request.url()).pathname)) {
      posted.push(request.url())
    }
  })
  return posted
}

/* The text an answer shows (its markdown, trimmed), '' while nothing has arrived. */
async function textOf(message: Locator) {
  const markdown = message.getByTestId('markdown')
  if ((await markdown.count()) === 0) return ''
  const text = await markdown.innerText()
  return text.trim()
}

const shownText = (page: Page) => textOf(answer(page))

/*
| Waits until the last answer shows at least the first `words` words of `full`
| while it is still streaming (one locator matches both at the same moment).
*/
async function waitForStreamingPrefix(page: Page, full: string, words: number) {
  const prefix = full.split(' ').slice(0, words).join(' ')
  await page
    .locator('[data-testid="assistant-message"][data-status="streaming"]')
    .getByTestId('markdown')
    .filter({ hasText: prefix })
    .waitFor()
  return prefix
}

test.group('Answers stream into the thread', (group) => {
  group.each.setup(() => limiter.clear())

  test('tokens stream into the thread, then the answer finishes', async ({
    browserContext,
    assert,
  }) => {
    const csp = await watchCsp(browserContext)
    await browserContext.grantPermissions(['clipboard-read', 'clipboard-write'])
    const page = await signIn(browserContext, `stream-${randomUUID()}@example.com`)
    const posted = postedReplies(page)
    await liveSocketReady(page)

    const prompt = 'Tell me about streaming [[tokens:160]] [[tps:20]]'
    await startEmulatorChat(page, prompt)
    const full = expectedAnswer(prompt, 160)

    /* While it streams: a stop button, and the text grows, observation after observation. */
    await answer(page).and(page.locator('[data-status="streaming"]')).waitFor()
    await answer(page).getByRole('button', { name: 'Stop' }).waitFor()
    for (const words of [8, 24, 40, 56]) {
      const prefix = await waitForStreamingPrefix(page, full, words)
      const shown = await shownText(page)
      /* What is shown is the answer's start: nothing garbled, repeated or skipped. */
      assert.isTrue(full.startsWith(shown), `not a prefix: ${JSON.stringify(shown)}`)
      assert.isAtLeast(shown.length, prefix.length)
    }

    /* Then it finishes: the whole text, no stop button, copy and regenerate. */
    await answer(page).and(page.locator('[data-status="complete"]')).waitFor()
    assert.equal(await shownText(page), full)
    assert.equal(await answer(page).getByRole('button', { name: 'Stop' }).count(), 0)
    await answer(page).hover()
    await answer(page).getByRole('button', { name: 'Regenerate answer' }).waitFor()
    /* The usage the server metered came with it: the 160 tokens and the prompt's (no cost: free). */
    const usage = await answer(page).getByTestId('message-usage').textContent()
    assert.match(usage ?? '', /^\d+ tokens$/)
    assert.isAbove(Number.parseInt(usage!, 10), 160)
    await clearClipboard(page)
    await answer(page).getByRole('button', { name: 'Copy answer' }).click()
    assert.equal(await clipboardOnce(page, full), full)
    /* The reply went on the tab's open /live socket, not as a request. */
    assert.deepEqual(posted, [])

    csp.assertNone()
  }).timeout(300_000)

  test('with the live channel out of reach, the reply is POSTed and the answer still arrives', async ({
    browserContext,
    assert,
    cleanup,
  }) => {
    const live = await upgradeSwitch(['/live'])
    cleanup(() => live.unblock())
    live.block()
    const page = await signIn(browserContext, `no-live-${randomUUID()}@example.com`)
    const posted = postedReplies(page)

    const prompt = 'Answer me anyway [[tokens:12]] [[tps:40]]'
    await startEmulatorChat(page, prompt)
    /* No tokens on /live: the answer arrives through LiveStore sync (checkpoints, then the end). */
    await answer(page).and(page.locator('[data-status="complete"]')).waitFor()
    assert.equal(await shownText(page), expectedAnswer(prompt, 12))
    assert.isAtLeast(posted.length, 1)
  }).timeout(300_000)

  test('a reload mid-answer shows the text so far at once, then streaming continues', async ({
    browserContext,
    assert,
    cleanup,
  }) => {
    const csp = await watchCsp(browserContext)
    const live = await upgradeSwitch(['/live'])
    const liveServer = await app.container.make(LiveSocketServer)
    cleanup(() => live.unblock())
    const page = await signIn(browserContext, `resume-${randomUUID()}@example.com`)

    /*
    | Long enough (75 s) to still be streaming after two page reloads on a
    | loaded machine (a reload of the development build can take 15 s there):
    | an answer that ended first leaves nothing streaming to wait for.
    */
    const tokens = 1500
    const prompt = `Write a long essay [[tokens:${tokens}]] [[tps:20]]`
    const chatId = await startEmulatorChat(page, prompt)
    const full = expectedAnswer(prompt, tokens)
    await waitForStreamingPrefix(page, full, 30)

    /* A durable checkpoint exists (the server's copy of the answer has text). */
    const answerRow = async () =>
      db
        .from('messages')
        .where('chat_id', chatId)
        .where('role', 'assistant')
        .select('id', 'content', 'status')
        .first()
    for (;;) {
      const row = await answerRow()
      if (row?.content) break
      await new Promise((resolve) => setTimeout(resolve, 50))
    }

    /*
    | Reload with the live channel out of reach: what shows can only come from
    | LiveStore (the checkpointed text), and it shows while the answer streams.
    */
    live.block()
    await page.reload()
    await waitForStreamingPrefix(page, full, 3)
    const fromCheckpoint = await shownText(page)
    assert.isTrue(full.startsWith(fromCheckpoint), `not a prefix: ${fromCheckpoint}`)
    assert.isBelow(fromCheckpoint.length, full.length)
    assert.equal(liveServer.connectionCount, 0)

    /* The live channel comes back: the page re-attaches and the text keeps growing live. */
    live.unblock()
    const checkpointWords = wordCount(fromCheckpoint)
    await waitForStreamingPrefix(page, full, checkpointWords + 30)

    /* A plain reload mid-answer: checkpoint plus replay from the live channel, then the rest. */
    const beforeSecondReload = wordCount(await shownText(page))
    await page.reload()
    await waitForStreamingPrefix(page, full, beforeSecondReload + 15)

    /* The whole answer, exactly once: nothing repeated, nothing missing. */
    await answer(page).and(page.locator('[data-status="complete"]')).waitFor()
    assert.equal(await shownText(page), full)
    const row = await answerRow()
    assert.equal(row.status, 'complete')
    assert.equal(row.content, full)

    csp.assertNone()
  }).timeout(300_000)

  test('a provider failure ends the answer with its reason and partial text; Retry answers', async ({
    browserContext,
    assert,
  }) => {
    const csp = await watchCsp(browserContext)
    const page = await signIn(browserContext, `failure-${randomUUID()}@example.com`)
    const emulator = await devEmulator()

    /* The connection is cut halfway through the answer. */
    const marker = `cut-${randomUUID().slice(0, 8)}`
    emulator.failNext('cut', { whenPromptIncludes: marker })
    const prompt = `Explain failures ${marker} [[tokens:60]] [[tps:30]]`
    await startEmulatorChat(page, prompt)
    const full = expectedAnswer(prompt, 60)
    const failed = page.locator('[data-testid="assistant-message"][data-status="error"]')
    await failed.waitFor()
    const reason = failed.getByTestId('message-error')
    assert.include(
      await reason.innerText(),
      'Development emulator closed the connection in the middle of the answer.'
    )
    /* The text that arrived before the cut stays: the first half of the answer. */
    const kept = await textOf(failed)
    assert.equal(kept, full.split(' ').slice(0, 30).join(' '))
    assert.equal(await failed.getByRole('button', { name: 'Stop' }).count(), 0)

    /* Retry asks again: a new version of the answer, complete this time. */
    await reason.getByRole('button', { name: 'Retry' }).click()
    const retried = page.locator('[data-testid="assistant-message"][data-status="complete"]')
    await retried.waitFor()
    assert.equal(await textOf(retried), full)
    assert.equal(await retried.getByTestId('branch-position').innerText(), '2/2')
    assert.equal(await page.getByTestId('message-error').count(), 0)

    /* A rate limit on the next message: no text at all, the reason, and Retry again. */
    const limited = `limit-${randomUUID().slice(0, 8)}`
    emulator.failNext('429', { whenPromptIncludes: limited })
    const followUp = `And now ${limited} [[tokens:12]]`
    await composer(page).fill(followUp)
    await composer(page).press('Enter')
    await failed.waitFor()
    assert.include(
      await reason.innerText(),
      'Development emulator is rate limiting requests. Try again in 1 s.'
    )
    assert.equal(await failed.getByTestId('markdown').count(), 0)
    await reason.getByRole('button', { name: 'Retry' }).click()
    await page
      .getByTestId('assistant-message')
      .last()
      .and(page.locator('[data-status="complete"]'))
      .getByText(expectedAnswer(followUp, 12))
      .waitFor()

    csp.assertNone()
  }).timeout(300_000)
})
