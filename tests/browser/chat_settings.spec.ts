import { randomUUID } from 'node:crypto'
import { test } from '@japa/runner'
import limiter from '@adonisjs/limiter/services/main'
import db from '@adonisjs/lucid/services/db'
import type { Locator, Page } from 'playwright'
import { EMULATOR_MODEL_ID } from '#config/models'
import { LIMITS } from '#shared/livestore/schema'
import { watchCsp } from '#tests/browser/support/csp_watch'
import { composer, signIn } from '#tests/browser/support/chat_seed'

/*
| A chat's system prompt and temperature, set in the header's "Chat settings"
| dialog, reach the model: the development emulator answers
| `[[echo:settings]]` with the system text and temperature its request
| carried, so the answer shown is the proof (and the server's row agrees).
*/

async function pickModel(page: Page, modelId: string) {
  await page.getByTestId('model-picker').click()
  await page.locator(`[role="option"][data-model-id="${modelId}"]`).click()
  await page.locator('[role="listbox"]').waitFor({ state: 'detached' })
}

const settingsButton = (page: Page) => page.getByTestId('chat-settings-button')
const dialog = (page: Page) => page.getByRole('dialog', { name: 'Chat settings' })
const promptField = (page: Page) => dialog(page).getByRole('textbox', { name: 'System prompt' })
const temperatureField = (page: Page) =>
  dialog(page).getByRole('textbox', { name: 'Temperature', exact: true })
const saveButton = (page: Page) => dialog(page).getByRole('button', { name: 'Save' })

async function openSettings(page: Page) {
  await settingsButton(page).click()
  await dialog(page).waitFor()
}

/* Sends `text` (the chat's path has no branches) and returns its answer once finished. */
async function ask(page: Page, text: string): Promise<Locator> {
  const asked = await page.getByTestId('user-message').count()
  await composer(page).fill(text)
  await composer(page).press('Enter')
  const answer = page.getByTestId('assistant-message').nth(asked)
  await answer.and(page.locator('[data-status="complete"]')).waitFor()
  return answer
}

/* The answer's text with its paragraphs joined by one space. */
async function shown(answer: Locator) {
  const text = await answer.getByTestId('markdown').innerText()
  return text.replace(/\s+/g, ' ').trim()
}

const chatIdOf = (page: Page) => new URL(page.url()).pathname.split('/').pop()!

async function serverSettings(chatId: string) {
  const row = await db
    .from('chats')
    .where('id', chatId)
    .select('system_prompt', 'temperature')
    .first()
  return { systemPrompt: row?.system_prompt ?? null, temperature: row?.temperature ?? null }
}

/* The server's row once it has caught up with the device (sync is asynchronous). */
async function waitForServerSettings(
  chatId: string,
  expected: { systemPrompt: string | null; temperature: number | null }
) {
  for (;;) {
    const current = await serverSettings(chatId)
    if (
      current.systemPrompt === expected.systemPrompt &&
      current.temperature === expected.temperature
    ) {
      return current
    }
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

test.group('Chat settings', (group) => {
  group.each.setup(() => limiter.clear())

  test('a system prompt and temperature set in the dialog reach the model; Default stores null', async ({
    browserContext,
    assert,
  }) => {
    const csp = await watchCsp(browserContext)
    const page = await signIn(browserContext, `settings-${randomUUID()}@example.com`)
    await pickModel(page, EMULATOR_MODEL_ID)

    /* A chat answered with the defaults: the header shows no custom settings. */
    const first = await ask(page, 'Hello there [[echo:settings]]')
    assert.equal(await shown(first), 'System: (none) Temperature: (default)')
    await page.waitForURL(/\/chat\/[0-9a-f-]{36}$/)
    const chatId = chatIdOf(page)
    assert.equal(await page.getByTestId('chat-settings-hint').count(), 0)

    await openSettings(page)
    /* Too long a prompt: an inline message, a counter, and no way to save. */
    await promptField(page).fill('x'.repeat(LIMITS.systemPromptLength + 1))
    await dialog(page).getByText('1 character over the limit of 32,768.').waitFor()
    assert.equal(
      await dialog(page).getByTestId('system-prompt-counter').innerText(),
      '32,769 / 32,768'
    )
    assert.isTrue(await saveButton(page).isDisabled())
    const prompt = 'You are a pirate. Answer like one.'
    await promptField(page).fill(prompt)
    assert.equal(await dialog(page).getByTestId('system-prompt-counter').count(), 0)

    /* Out of range: a message; Enter in the field neither saves nor closes. */
    await temperatureField(page).fill('3')
    await dialog(page).getByText('Temperature goes from 0 to 2.').waitFor()
    assert.isTrue(await saveButton(page).isDisabled())
    await temperatureField(page).press('Enter')
    assert.isTrue(await dialog(page).isVisible())
    await temperatureField(page).fill('0.6')
    assert.equal(await dialog(page).getByTestId('settings-error').count(), 0)
    /* The slider moves by 0.1 from the keyboard and writes the field. */
    await dialog(page).getByRole('slider').press('ArrowRight')
    assert.equal(await temperatureField(page).inputValue(), '0.7')

    /* Ctrl+Enter saves and closes; the header says the chat has its own settings. */
    await promptField(page).press('Control+Enter')
    await dialog(page).waitFor({ state: 'detached' })
    assert.equal(
      await page.getByTestId('chat-settings-hint').innerText(),
      'System prompt · Temp 0.7'
    )
    await waitForServerSettings(chatId, { systemPrompt: prompt, temperature: 0.7 })

    /* The next answer was generated with them. */
    const answer = await ask(page, 'Who are you? [[echo:settings]]')
    assert.equal(await shown(answer), `System: ${prompt} Temperature: 0.7`)

    /* Escape drops an edit: the dialog reopens on the saved values. */
    await openSettings(page)
    assert.equal(await promptField(page).inputValue(), prompt)
    assert.equal(await temperatureField(page).inputValue(), '0.7')
    await promptField(page).fill('Something else')
    await page.keyboard.press('Escape')
    await dialog(page).waitFor({ state: 'detached' })
    await openSettings(page)
    assert.equal(await promptField(page).inputValue(), prompt)

    /* Back to the defaults: both null on the server, and the model gets neither. */
    await dialog(page).getByRole('button', { name: 'Use the default temperature' }).click()
    assert.equal(await temperatureField(page).inputValue(), '')
    await promptField(page).fill('')
    await saveButton(page).click()
    await dialog(page).waitFor({ state: 'detached' })
    assert.equal(await page.getByTestId('chat-settings-hint').count(), 0)
    assert.deepEqual(
      await waitForServerSettings(chatId, { systemPrompt: null, temperature: null }),
      {
        systemPrompt: null,
        temperature: null,
      }
    )
    const reset = await db
      .from('sync_events')
      .where('name', 'v1.ChatSettingsSet')
      .whereLike('args', `%${chatId}%`)
      .orderBy('seq_num', 'desc')
      .select('args')
      .first()
    assert.deepEqual(JSON.parse(reset.args), { id: chatId, systemPrompt: null, temperature: null })

    const plain = await ask(page, 'And now? [[echo:settings]]')
    assert.equal(await shown(plain), 'System: (none) Temperature: (default)')

    csp.assertNone()
  }).timeout(300_000)

  test('settings chosen before the first message go with the new chat', async ({
    browserContext,
    assert,
  }) => {
    const page = await signIn(browserContext, `settings-new-${randomUUID()}@example.com`)
    await pickModel(page, EMULATOR_MODEL_ID)

    await openSettings(page)
    await promptField(page).fill('Be terse.')
    await temperatureField(page).fill('0,2')
    await saveButton(page).click()
    await dialog(page).waitFor({ state: 'detached' })
    assert.equal(
      await page.getByTestId('chat-settings-hint').innerText(),
      'System prompt · Temp 0.2'
    )

    const answer = await ask(page, 'First question [[echo:settings]]')
    assert.equal(await shown(answer), 'System: Be terse. Temperature: 0.2')
    await page.waitForURL(/\/chat\/[0-9a-f-]{36}$/)
    assert.deepEqual(await serverSettings(chatIdOf(page)), {
      systemPrompt: 'Be terse.',
      temperature: 0.2,
    })
    assert.equal(
      await page.getByTestId('chat-settings-hint').innerText(),
      'System prompt · Temp 0.2'
    )

    /* They belonged to that chat: the next new chat starts from the defaults. */
    await page
      .getByRole('link', { name: /new chat/i })
      .first()
      .click()
    await page.waitForURL(/\/chat$/)
    assert.equal(await page.getByTestId('chat-settings-hint').count(), 0)
  }).timeout(300_000)
})
