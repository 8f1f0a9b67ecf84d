import { test } from '@japa/runner'
import { embed, generateText, streamText } from 'ai'
import { createOpenAI } from '@ai-sdk/openai'
import { createOpenRouter } from '@openrouter/ai-sdk-provider'
import { createOpenAICompatible } from '@ai-sdk/openai-compatible'
import { LlmEmulator } from '#llm/emulator/llm_emulator'

/*
| The emulator over real sockets, driven by the real AI SDK providers: if
| these pass, the SDKs accept our wire formats.
*/

async function collect(result: ReturnType<typeof streamText>) {
  let text = ''
  let finishReason: string | undefined
  let usage: { inputTokens?: number; outputTokens?: number } | undefined
  let error: unknown
  try {
    for await (const part of result.fullStream) {
      if (part.type === 'text-delta') text += part.text
      if (part.type === 'finish') {
        finishReason = part.finishReason
        usage = part.totalUsage
      }
      if (part.type === 'error') error = part.error
    }
  } catch (thrown) {
    error = thrown
  }
  return { text, finishReason, usage, error }
}

async function sse(response: Response): Promise<string[]> {
  const body = await response.text()
  return body
    .split('\n')
    .filter((line) => line.startsWith('data: '))
    .map((line) => line.slice(6))
}

test.group('LLM emulator', (group) => {
  let emulator: LlmEmulator
  group.setup(async () => {
    emulator = await LlmEmulator.start()
    return () => emulator.close()
  })

  test('Chat Completions stream: role chunk, one chunk per token, finish, usage, [DONE]', async ({
    assert,
  }) => {
    const response = await fetch(`${emulator.openaiBaseUrl}/chat/completions`, {
      method: 'POST',
      headers: { 'authorization': 'Bearer sk-test', 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'gpt-4.1',
        stream: true,
        messages: [{ role: 'user', content: 'Hi you [[tokens:5]]' }],
      }),
    })
    assert.equal(response.status, 200)
    assert.match(response.headers.get('content-type')!, /text\/event-stream/)
    const frames = await sse(response)
    assert.equal(frames.at(-1), '[DONE]')
    const chunks = frames.slice(0, -1).map((frame) => JSON.parse(frame))
    const deltas = chunks.flatMap((chunk) => chunk.choices.map((c: any) => c.delta?.content ?? ''))
    assert.equal(deltas.join(''), 'Echo: Hi you lorem ipsum')
    assert.equal(chunks[0].choices[0].delta.role, 'assistant')
    assert.equal(chunks.at(-2).choices[0].finish_reason, 'stop')
    assert.deepEqual(chunks.at(-1).choices, [])
    assert.deepEqual(chunks.at(-1).usage, {
      prompt_tokens: 2,
      completion_tokens: 5,
      total_tokens: 7,
    })
  })

  test('[[hold:N]]: the first token alone, the rest after the pause', async ({ assert }) => {
    const response = await fetch(`${emulator.openaiBaseUrl}/chat/completions`, {
      method: 'POST',
      headers: { 'authorization': 'Bearer sk-test', 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'gpt-4.1',
        stream: true,
        messages: [{ role: 'user', content: 'Hold on [[tokens:5]] [[hold:500]]' }],
      }),
    })
    const reader = response.body!.getReader()
    const decoder = new TextDecoder()
    const contentsPerRead: string[][] = []
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      const text = decoder.decode(value, { stream: true })
      contentsPerRead.push([...text.matchAll(/"content":"([^"]*)"/g)].map((match) => match[1]))
    }
    const withText = contentsPerRead.filter((contents) => contents.some(Boolean))
    // Nothing else was written during the pause: the first token arrived on its own.
    assert.deepEqual(withText[0], ['Echo:'])
    assert.equal(withText.flat().join(''), 'Echo: Hold on lorem ipsum')
  })

  test('openai.chat: stream and generate', async ({ assert }) => {
    const openai = createOpenAI({ baseURL: emulator.openaiBaseUrl, apiKey: 'sk-test' })
    const streamed = await collect(
      streamText({ model: openai.chat('gpt-4.1'), prompt: 'Streaming please [[tokens:8]]' })
    )
    assert.equal(streamed.text, 'Echo: Streaming please lorem ipsum dolor sit amet')
    assert.equal(streamed.finishReason, 'stop')
    assert.equal(streamed.usage?.outputTokens, 8)

    const generated = await generateText({
      model: openai.chat('gpt-4.1'),
      prompt: 'Once [[tokens:3]]',
    })
    assert.equal(generated.text, 'Echo: Once lorem')
    assert.equal(generated.usage.outputTokens, 3)
  })

  test('openai.responses: Responses API stream and generate', async ({ assert }) => {
    const openai = createOpenAI({ baseURL: emulator.openaiBaseUrl, apiKey: 'sk-test' })
    const streamed = await collect(
      streamText({ model: openai.responses('gpt-5-mini'), prompt: 'Responses [[tokens:4]]' })
    )
    assert.isUndefined(streamed.error)
    assert.equal(streamed.text, 'Echo: Responses lorem ipsum')
    assert.equal(streamed.finishReason, 'stop')
    assert.equal(streamed.usage?.outputTokens, 4)

    const generated = await generateText({
      model: openai.responses('gpt-5-mini'),
      prompt: 'Plain [[tokens:2]]',
    })
    assert.equal(generated.text, 'Echo: Plain')
  })

  test('[[echo:settings]]: the system text and temperature each API carried', async ({
    assert,
  }) => {
    const openai = createOpenAI({ baseURL: emulator.openaiBaseUrl, apiKey: 'sk-test' })
    const local = createOpenAICompatible({
      name: 'local',
      baseURL: emulator.openaiBaseUrl,
      apiKey: 'anything',
    })
    for (const model of [openai.chat('gpt-4.1'), local.chatModel('llama3.2')]) {
      const streamed = await collect(
        streamText({
          model,
          system: 'Answer like a pirate.',
          temperature: 0.4,
          prompt: 'Who are you? [[echo:settings]]',
        })
      )
      assert.equal(streamed.text, 'System: Answer like a pirate.\n\nTemperature: 0.4')
    }
    const responses = await generateText({
      model: openai.responses('gpt-4.1'),
      system: 'Be brief.',
      prompt: '[[echo:settings]]',
    })
    assert.equal(responses.text, 'System: Be brief.\n\nTemperature: (default)')
  })

  test('OpenRouter provider: chat stream with usage and cost', async ({ assert }) => {
    const openrouter = createOpenRouter({
      baseURL: emulator.openRouterBaseUrl,
      apiKey: 'sk-or-test',
    })
    const streamed = await collect(
      streamText({
        model: openrouter.chat('anthropic/claude-sonnet-4.5', { usage: { include: true } }),
        prompt: 'Via OpenRouter [[tokens:5]]',
      })
    )
    assert.equal(streamed.text, 'Echo: Via OpenRouter lorem ipsum')
    assert.equal(streamed.usage?.outputTokens, 5)
    const last = emulator.requests.at(-1)!
    assert.equal(last.path, '/api/v1/chat/completions')
  })

  test('[[think:N]]: reasoning deltas first, which both SDK providers read as reasoning', async ({
    assert,
  }) => {
    const openrouter = createOpenRouter({ baseURL: emulator.openRouterBaseUrl, apiKey: 'sk-or-t' })
    const local = createOpenAICompatible({
      name: 'local',
      baseURL: emulator.openaiBaseUrl,
      apiKey: 'anything',
    })
    for (const model of [openrouter.chat('deepseek/deepseek-r1'), local.chatModel('qwq')]) {
      const order: string[] = []
      const result = streamText({ model, prompt: 'Ponder [[think:350]] [[tokens:3]]' })
      for await (const part of result.fullStream) {
        if (part.type === 'reasoning-delta' && part.text) order.push('reasoning')
        if (part.type === 'text-delta' && part.text) order.push('text')
      }
      // One per 100 ms of the 350 (four), then the answer's three tokens.
      assert.deepEqual(order, [
        ...['reasoning', 'reasoning', 'reasoning', 'reasoning'],
        ...['text', 'text', 'text'],
      ])
      assert.match((await result.reasoningText) ?? '', /^Thinking, step 1\. Thinking, step 2\./)
      assert.equal(await result.text, 'Echo: Ponder lorem')
    }
  })

  test('OpenAI-compatible provider (Ollama, vLLM shape)', async ({ assert }) => {
    const local = createOpenAICompatible({
      name: 'local',
      baseURL: emulator.openaiBaseUrl,
      apiKey: 'anything',
      includeUsage: true,
    })
    const streamed = await collect(
      streamText({ model: local.chatModel('llama3.2'), prompt: 'Local [[tokens:3]]' })
    )
    assert.equal(streamed.text, 'Echo: Local lorem')
    assert.equal(streamed.usage?.inputTokens, 1)
  })

  test('embeddings: deterministic vectors of the requested size', async ({ assert }) => {
    const openai = createOpenAI({ baseURL: emulator.openaiBaseUrl, apiKey: 'sk-test' })
    const first = await embed({
      model: openai.embedding('text-embedding-3-small'),
      value: 'cats purr',
    })
    const again = await embed({
      model: openai.embedding('text-embedding-3-small'),
      value: 'cats purr',
    })
    assert.lengthOf(first.embedding, 384)
    assert.deepEqual(first.embedding, again.embedding)

    const sized = await fetch(`${emulator.openaiBaseUrl}/embeddings`, {
      method: 'POST',
      headers: { 'authorization': 'Bearer sk-test', 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'e', input: ['a', 'b'], dimensions: 16 }),
    })
    const body = (await sized.json()) as { data: Array<{ index: number; embedding: number[] }> }
    assert.deepEqual(
      body.data.map((entry) => [entry.index, entry.embedding.length]),
      [
        [0, 16],
        [1, 16],
      ]
    )
  })

  test('model lists and key checks in each provider shape', async ({ assert }) => {
    const openai = await fetch(`${emulator.openaiBaseUrl}/models`, {
      headers: { authorization: 'Bearer sk-test' },
    })
    assert.equal(openai.status, 200)
    assert.equal(((await openai.json()) as any).object, 'list')

    const openrouterModels = await fetch(`${emulator.openRouterBaseUrl}/models`)
    const models = (await openrouterModels.json()) as any
    assert.isArray(models.data)
    assert.properties(models.data[0], ['id', 'context_length', 'architecture', 'pricing'])

    const goodKey = await fetch(`${emulator.openRouterBaseUrl}/key`, {
      headers: { authorization: 'Bearer sk-or-good' },
    })
    assert.equal(goodKey.status, 200)
    const badKey = await fetch(`${emulator.openRouterBaseUrl}/key`, {
      headers: { authorization: 'Bearer bad-key' },
    })
    assert.equal(badKey.status, 401)

    const anthropic = await fetch(`${emulator.anthropicBaseUrl}/models`, {
      headers: { 'x-api-key': 'bad-anthropic', 'anthropic-version': '2023-06-01' },
    })
    assert.equal(anthropic.status, 401)
    assert.equal(((await anthropic.json()) as any).error.type, 'authentication_error')

    const google = await fetch(`${emulator.googleBaseUrl}/models`, {
      headers: { 'x-goog-api-key': 'AIza-good-key' },
    })
    assert.equal(google.status, 200)
    assert.isArray(((await google.json()) as any).models)
  })

  test('injected failures: 401 (echoing the key), 429, 500', async ({ assert }) => {
    const call = (model: string, key = 'sk-test') =>
      generateText({
        model: createOpenAI({ baseURL: emulator.openaiBaseUrl, apiKey: key }).chat(model),
        prompt: 'x',
        maxRetries: 0,
      }).catch((error) => error)

    const unauthorized = await call('gpt-4.1', 'bad-key-visible-in-message')
    assert.equal(unauthorized.statusCode, 401)
    assert.include(unauthorized.message, 'bad-key-visible-in-message')

    const injected401 = await call('emulator-401')
    assert.equal(injected401.statusCode, 401)
    const limited = await call('emulator-429')
    assert.equal(limited.statusCode, 429)
    assert.equal(limited.responseHeaders['retry-after'], '1')
    const injected500 = await call('emulator-500')
    assert.equal(injected500.statusCode, 500)

    const byHeader = await generateText({
      model: createOpenAI({ baseURL: emulator.openaiBaseUrl, apiKey: 'sk-test' }).chat('gpt-4.1'),
      prompt: 'x',
      maxRetries: 0,
      headers: { 'x-emulator-fail': '500' },
    }).catch((error) => error)
    assert.equal(byHeader.statusCode, 500)
  })

  test('injected failures: cut mid-stream keeps the first half', async ({ assert }) => {
    const openai = createOpenAI({ baseURL: emulator.openaiBaseUrl, apiKey: 'sk-test' })
    for (const model of [openai.chat('gpt-4.1'), openai.responses('gpt-4.1')]) {
      const result = await collect(
        streamText({
          model,
          prompt: 'Cut [[fail:cut]] [[tokens:10]]',
          maxRetries: 0,
          onError: () => {},
        })
      )
      assert.equal(result.text, 'Echo: Cut lorem ipsum dolor')
      assert.exists(result.error)
      assert.notEqual(result.finishReason, 'stop')
    }
  })

  test('a one-shot failure hits the next matching request only', async ({ assert }) => {
    const model = createOpenAI({ baseURL: emulator.openaiBaseUrl, apiKey: 'sk-test' }).chat('m')
    const ask = (prompt: string) =>
      generateText({ model, prompt, maxRetries: 0 }).catch((error) => error)

    emulator.failNext('429', { whenPromptIncludes: 'marked' })
    /* Another prompt passes untouched; the first marked one fails; the next one answers. */
    const other = await ask('other [[tokens:2]]')
    assert.equal(other.text, 'Echo: other')
    const failed = await ask('marked [[tokens:2]]')
    assert.equal(failed.statusCode, 429)
    const retried = await ask('marked [[tokens:2]]')
    assert.equal(retried.text, 'Echo: marked')
  })

  test('injected failures: a drop closes the connection before any response byte', async ({
    assert,
  }) => {
    const error = await fetch(`${emulator.openaiBaseUrl}/chat/completions`, {
      method: 'POST',
      headers: {
        'authorization': 'Bearer sk-test',
        'content-type': 'application/json',
        'x-emulator-fail': 'drop',
      },
      body: JSON.stringify({
        model: 'gpt-4.1',
        stream: true,
        messages: [{ role: 'user', content: 'x [[tokens:4]]' }],
      }),
    }).then(
      () => null,
      (failure: Error & { cause?: { code?: string; message?: string } }) => failure
    )
    assert.instanceOf(error, TypeError)
    // What undici reports for a connection the server ended: "other side closed".
    assert.equal(error?.cause?.code, 'UND_ERR_SOCKET')
  })

  test('injected failures: content filter finish', async ({ assert }) => {
    const openai = createOpenAI({ baseURL: emulator.openaiBaseUrl, apiKey: 'sk-test' })
    const chat = await collect(
      streamText({
        model: openai.chat('gpt-4.1'),
        prompt: 'x [[fail:content_filter]] [[tokens:2]]',
      })
    )
    assert.equal(chat.finishReason, 'content-filter')
    const responses = await collect(
      streamText({
        model: openai.responses('gpt-4.1'),
        prompt: 'x [[fail:content_filter]] [[tokens:2]]',
      })
    )
    assert.equal(responses.finishReason, 'content-filter')
  })

  test('injected failures: a stall sends headers, then nothing', async ({ assert }) => {
    for (const failure of ['stall', 'stall-mid']) {
      const controller = new AbortController()
      const response = await fetch(`${emulator.openaiBaseUrl}/chat/completions`, {
        method: 'POST',
        headers: {
          'authorization': 'Bearer sk-test',
          'content-type': 'application/json',
          'x-emulator-fail': failure,
        },
        body: JSON.stringify({
          model: 'gpt-4.1',
          stream: true,
          messages: [{ role: 'user', content: 'x [[tokens:4]]' }],
        }),
        signal: controller.signal,
      })
      assert.equal(response.status, 200)
      const reader = response.body!.getReader()
      const decoder = new TextDecoder()
      let received = ''
      // Read whatever comes before the silence (stall-mid sends half the tokens).
      for (;;) {
        const next = await Promise.race([
          reader.read(),
          new Promise<'silent'>((resolve) => setTimeout(() => resolve('silent'), 300)),
        ])
        if (next === 'silent') break
        if (next.done) assert.fail(`${failure}: the stream ended instead of stalling`)
        else received += decoder.decode(next.value)
      }
      controller.abort()
      await reader.cancel().catch(() => {})
      if (failure === 'stall') assert.equal(received, '')
      else assert.include(received, 'Echo:')
      assert.notInclude(received, '[DONE]')
    }
  })

  test('time to first token and tokens per second are honoured (lower bounds)', async ({
    assert,
  }) => {
    const openai = createOpenAI({ baseURL: emulator.openaiBaseUrl, apiKey: 'sk-test' })
    const started = performance.now()
    let firstAt = 0
    const result = streamText({
      model: openai.chat('gpt-4.1'),
      prompt: 'Slow [[ttft:150]] [[tps:40]] [[tokens:5]]',
    })
    for await (const delta of result.textStream) {
      if (!firstAt && delta) firstAt = performance.now()
    }
    const total = performance.now() - started
    // Tokens can never arrive early: 150 ms to the first, then 4 more at 25 ms each.
    assert.isAtLeast(firstAt - started, 145)
    assert.isAtLeast(total, 245)
  })

  test('bad requests get a 400, unknown routes a 404', async ({ assert }) => {
    const bad = await fetch(`${emulator.openaiBaseUrl}/chat/completions`, {
      method: 'POST',
      headers: { 'authorization': 'Bearer sk-test', 'content-type': 'application/json' },
      body: '{not json',
    })
    assert.equal(bad.status, 400)
    const missing = await fetch(`${emulator.url}/nope`)
    assert.equal(missing.status, 404)
  })
})
