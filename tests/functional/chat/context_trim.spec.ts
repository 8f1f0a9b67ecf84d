import { randomUUID } from 'node:crypto'
import { test } from '@japa/runner'
import app from '@adonisjs/core/services/app'
import { SyncService } from '#sync/services/sync_service'
import { devEmulator } from '#llm/emulator/dev_emulator'
import { EMULATOR_MODEL_ID } from '#config/models'
import { TRIM_MARKER } from '#chat/services/prompt_builder'
import { ensureSmallContextModel } from '#tests/support/context_models'
import {
  chatUser,
  createChat,
  finalMessage,
  reply,
  sendUserMessage,
  syncEvents,
  type ChatUser,
} from '#tests/functional/chat/chat_helpers'

/*
| A prompt trimmed to the model's context window: the answer's Finished event
| says where the prompt started (`contextStartId`), which is how the thread
| places its marker; an answer given the whole path carries nothing.
*/

/* A finished answer, written as the generation writes one. */
async function seedAnswer(user: ChatUser, chatId: string, parentId: string, text: string) {
  const id = randomUUID()
  const sync = await app.container.make(SyncService)
  await sync.appendServerEvents(user.id, [
    {
      name: 'v1.AssistantMessageStarted',
      args: { id, chatId, parentId, model: EMULATOR_MODEL_ID, createdAt: Date.now() },
    },
    {
      name: 'v1.AssistantMessageFinished',
      args: {
        id,
        text,
        status: 'complete',
        finishReason: 'stop',
        usage: null,
        model: EMULATOR_MODEL_ID,
      },
    },
  ])
  return id
}

/* ~130 approximate tokens each: four of them overflow a 400-token window. */
const long = (label: string) => `${label} ${'words to fill the window '.repeat(20)}`.trim()

function promptOf(body: unknown): string[] {
  const messages = (body as { messages?: { role: string; content: unknown }[] }).messages ?? []
  return messages.map((message) =>
    typeof message.content === 'string' ? message.content : JSON.stringify(message.content)
  )
}

test.group('Prompt trimming reaches the thread', () => {
  test('a trimmed prompt marks its start on the answer; a whole one does not', async ({
    assert,
  }) => {
    const smallModel = await ensureSmallContextModel(400)
    const user = await chatUser('trim')
    const chatId = await createChat(user, { model: smallModel, title: 'Long chat' })
    const u1 = await sendUserMessage(user, chatId, null, long('First question'))
    const a1 = await seedAnswer(user, chatId, u1, long('First answer'))
    const u2 = await sendUserMessage(user, chatId, a1, long('Second question'))
    const a2 = await seedAnswer(user, chatId, u2, long('Second answer'))
    const marker = `trim-${randomUUID().slice(0, 8)}`
    const u3 = await sendUserMessage(user, chatId, a2, `Latest ${marker} [[tokens:4]]`)

    const trimmedId = randomUUID()
    const response = await reply(user, chatId, u3, { assistantMessageId: trimmedId })
    assert.equal(response.status, 202, response.text)
    const trimmedAnswer = await finalMessage(trimmedId)
    assert.equal(trimmedAnswer.status, 'complete')

    /* What the model got: the marker, then the second exchange and the question; not the first. */
    const emulator = await devEmulator()
    const request = emulator.requests.findLast((entry) =>
      promptOf(entry.body).some((content) => content.includes(marker))
    )
    const prompt = promptOf(request?.body)
    assert.lengthOf(prompt, 3)
    assert.isTrue(prompt[0].startsWith(TRIM_MARKER))
    assert.include(prompt[0], 'Second question')
    assert.notInclude(prompt.join('\n'), 'First')

    /* The durable record says so: the prompt started at the second question. */
    const [finished] = await syncEvents(user.id, 0, trimmedId, 'v1.AssistantMessageFinished')
    assert.equal(finished.args.contextStartId, u2)

    /* The same question answered by a model with room for everything: no cut recorded. */
    const wholeId = randomUUID()
    const whole = await reply(user, chatId, u3, {
      assistantMessageId: wholeId,
      model: EMULATOR_MODEL_ID,
      regenerate: true,
    })
    assert.equal(whole.status, 202, whole.text)
    const wholeAnswer = await finalMessage(wholeId)
    assert.equal(wholeAnswer.status, 'complete')
    const [wholeFinished] = await syncEvents(user.id, 0, wholeId, 'v1.AssistantMessageFinished')
    assert.notProperty(wholeFinished.args, 'contextStartId')
  })
})
