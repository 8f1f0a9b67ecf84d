import { test } from '@japa/runner'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createOpenRouter } from '@openrouter/ai-sdk-provider'
import { streamAnswer, type AnswerOutcome } from '#chat/services/answer_stream'
import { openRouterFetch, streamWorker } from '#llm/openrouter_sse'
import { classifyFinishReason, classifyProviderError } from '#llm/provider_errors'

/*
| The OpenRouter event stream read by openrouter_sse.ts against the same bytes
| read by the AI SDK provider's own doStream: for every case the two must
| give the same text, finish reason, usage and failure (as the classifier
| words it). A raw HTTP server sends the bytes, so both see the same
| response, split into the same writes; it also records which client sent
| the request (Node's fetch sends sec-fetch-mode, node:http does not), so a
| case cannot pass by both going through the SDK.
*/

type Reply = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>

const chunk = (delta: Record<string, unknown>, finish: string | null = null, extra = {}) =>
  `data: ${JSON.stringify({ id: 'gen-1', model: 'm', choices: [{ index: 0, delta, finish_reason: finish }], ...extra })}\n\n`
const usage = (prompt: number, completion: number) =>
  `data: ${JSON.stringify({ id: 'gen-1', choices: [], usage: { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion, cost: 0.001 } })}\n\n`
const tick = () => new Promise((resolve) => setTimeout(resolve, 2))

function sse(res: ServerResponse) {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' })
  res.flushHeaders()
}

async function writeAll(res: ServerResponse, parts: (string | Buffer)[]) {
  for (const part of parts) {
    res.write(part)
    await tick()
  }
}

const cases: Record<string, Reply> = {
  'plain': async (_req, res) => {
    sse(res)
    await writeAll(res, [
      chunk({ role: 'assistant', content: 'Hello' }),
      chunk({ content: ' there' }),
      ': OPENROUTER PROCESSING\n\n',
      chunk({ content: ', friend.' }),
      chunk({}, 'stop'),
      usage(12, 3),
      'data: [DONE]\n\n',
    ])
    res.end()
  },
  'reasoning before the text': async (_req, res) => {
    sse(res)
    await writeAll(res, [
      chunk({ role: 'assistant', content: null, reasoning: 'Let me think.' }),
      ': OPENROUTER PROCESSING\n\n',
      chunk({ content: '', reasoning: ' Done.' }),
      chunk({ content: 'The answer' }),
      chunk({}, 'stop'),
      usage(4, 9),
      'data: [DONE]\n\n',
    ])
    res.end()
  },
  'BYOK usage: the fee and the upstream cost': async (_req, res) => {
    sse(res)
    await writeAll(res, [
      chunk({ role: 'assistant', content: 'Own key' }),
      chunk({}, 'stop'),
      `data: ${JSON.stringify({ id: 'gen-1', choices: [], usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5, cost: 0.0002, is_byok: true, cost_details: { upstream_inference_cost: 0.004 } } })}\n\n`,
      'data: [DONE]\n\n',
    ])
    res.end()
  },
  'crlf and split events': async (_req, res) => {
    sse(res)
    const text = chunk({ content: 'one' }) + chunk({ content: ' two' }) + chunk({}, 'length')
    const crlf = text.replace(/\n/g, '\r\n')
    // Split inside a \r\n pair, inside a field name and inside the JSON.
    const cut1 = crlf.indexOf('\r\n') + 1
    await writeAll(res, [
      crlf.slice(0, cut1),
      crlf.slice(cut1, cut1 + 3),
      crlf.slice(cut1 + 3, 60),
      crlf.slice(60),
    ])
    res.end('data: [DONE]\r\n\r\n')
  },
  'multibyte character split across writes': async (_req, res) => {
    sse(res)
    const bytes = Buffer.from(chunk({ content: 'naïve café ☕ 日本' }) + chunk({}, 'stop'))
    const middle = bytes.indexOf(Buffer.from('☕')) + 1
    await writeAll(res, [bytes.subarray(0, middle), bytes.subarray(middle)])
    res.end()
  },
  'multi-line data and unknown fields': async (_req, res) => {
    sse(res)
    await writeAll(res, [
      'event: message\nid: 7\nretry: 100\n',
      `data: {"id":"gen-1","choices":[{"index":0,\ndata: "delta":{"content":"joined"},"finish_reason":null}]}\n\n`,
      chunk({}, 'stop'),
    ])
    res.end()
  },
  'content filter': async (_req, res) => {
    sse(res)
    await writeAll(res, [chunk({ content: 'Part' }), chunk({}, 'content_filter'), usage(5, 1)])
    res.end('data: [DONE]\n\n')
  },
  'no finish reason and no usage': async (_req, res) => {
    sse(res)
    await writeAll(res, [chunk({ content: 'a' }), chunk({ content: 'b' })])
    res.end()
  },
  'error chunk mid-stream': async (_req, res) => {
    sse(res)
    await writeAll(res, [
      chunk({ content: 'before' }),
      `data: ${JSON.stringify({ error: { code: 502, message: 'Upstream provider failed', metadata: { provider_name: 'X' } } })}\n\n`,
    ])
    res.end()
  },
  'malformed JSON chunk': async (_req, res) => {
    sse(res)
    await writeAll(res, [
      chunk({ content: 'x' }),
      'data: {"id":"gen-1","choi\n\n',
      chunk({ content: 'y' }, 'stop'),
    ])
    res.end()
  },
  'JSON that is not a chunk': async (_req, res) => {
    sse(res)
    await writeAll(res, [chunk({ content: 'x' }), 'data: {"hello":"world"}\n\n', 'data: 42\n\n'])
    res.end()
  },
  'prototype poisoning': async (_req, res) => {
    sse(res)
    await writeAll(res, [
      chunk({ content: 'x' }),
      `data: {"id":"gen-1","choices":[],"__proto__":{"polluted":true}}\n\n`,
    ])
    res.end()
  },
  'prototype poisoning, escaped': async (_req, res) => {
    sse(res)
    await writeAll(res, [
      chunk({ content: 'x' }),
      `data: {"id":"gen-1","choices":[],"\\u005f\\u005fproto__":{"polluted":true}}\n\n`,
    ])
    res.end()
  },
  'cut mid-stream': async (_req, res) => {
    sse(res)
    await writeAll(res, [chunk({ content: 'half' }), chunk({ content: ' an answer' })])
    res.socket?.destroy()
  },
  '401': (_req, res) => {
    res.writeHead(401, { 'content-type': 'application/json' })
    res.end(JSON.stringify({ error: { code: 401, message: 'No auth credentials found' } }))
  },
  '429 with retry-after': (_req, res) => {
    res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '7' })
    res.end(JSON.stringify({ error: { code: 429, message: 'Rate limit exceeded' } }))
  },
  '500 not JSON': (_req, res) => {
    res.writeHead(500, { 'content-type': 'text/plain' })
    res.end('upstream exploded')
  },
  '200 JSON instead of a stream': (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end(JSON.stringify({ id: 'gen-1', choices: [{ index: 0, message: { content: 'whole' } }] }))
  },
  'dropped before any byte (twice)': (req) => {
    req.socket.destroy()
  },
}

/* Not parity cases: one delta, then silence until the client lets the connection go. */
const letGo = new Set<string>()
const held: Record<string, Reply> = {
  'held open': (_req, res) => {
    sse(res)
    res.write(chunk({ role: 'assistant', content: 'first' }))
    res.once('close', () => letGo.add('held open'))
  },
}

let server: Server
let baseURL = ''
const clients: Record<string, string[]> = {}

async function until(check: () => boolean) {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 10))
  return check()
}

/* A held-open stream through the worker; `afterFirst` runs once its first delta arrived. */
async function heldThroughWorker(afterFirst: (controller: AbortController) => unknown) {
  const controller = new AbortController()
  const texts: string[] = []
  let first!: () => void
  const firstSeen = new Promise<void>((resolve) => (first = resolve))
  const answer = streamAnswer(
    model('worker'),
    {
      system: undefined,
      messages: [{ role: 'user', content: 'case:held open' }],
      temperature: undefined,
      abortSignal: controller.signal,
    },
    (text) => {
      if (!text) return // the model is alive, no text (see alive_signal.ts)
      texts.push(text)
      first()
    }
  )
  await firstSeen
  await afterFirst(controller)
  return { outcome: await answer, text: texts.join('') }
}

/* sdk: the provider's own fetch and doStream; loop: openRouterFetch on the event loop; worker: in the worker thread. */
type Path = 'sdk' | 'loop' | 'worker'

function model(path: Path) {
  streamWorker.threshold = path === 'worker' ? 0 : Infinity
  return createOpenRouter({
    baseURL,
    apiKey: 'sk-or-test-key-0000',
    compatibility: 'strict',
    ...(path === 'sdk' ? {} : { fetch: openRouterFetch }),
  }).chat('meta/test-model', { usage: { include: true } })
}

async function run(name: string, path: Path, stopAfter = Infinity) {
  const texts: string[] = []
  let outcome: AnswerOutcome | null = null
  let thrown: unknown = null
  try {
    outcome = await streamAnswer(
      model(path),
      {
        system: undefined,
        messages: [{ role: 'user', content: `case:${name}` }],
        temperature: undefined,
        abortSignal: new AbortController().signal,
      },
      (text) => {
        if (!text) return true // the model is alive, no text (see alive_signal.ts)
        texts.push(text)
        return texts.length < stopAfter
      }
    )
  } catch (error) {
    thrown = error
  }
  const options = { providerLabel: 'OpenRouter', keySource: 'platform' as const }
  const failure = thrown
    ? classifyProviderError(thrown, options)
    : outcome?.streamError
      ? classifyProviderError(outcome.streamError, options)
      : classifyFinishReason(outcome?.finishReason, options)
  return {
    text: texts.join(''),
    finishReason: outcome?.finishReason ?? null,
    usage: outcome?.usage ?? null,
    costUsd: outcome?.costUsd ?? null,
    thrown: thrown !== null,
    failure: failure && {
      kind: failure.kind,
      reason: failure.reason,
      status: failure.status,
      retryAfter: failure.retryAfterSeconds,
    },
  }
}

test.group('OpenRouter event stream read without the web-stream pipeline', (group) => {
  group.setup(async () => {
    // The tests pick the path per call; the suites after these get the app's own threshold back.
    const threshold = streamWorker.threshold
    await streamWorker.warm()
    server = createServer((req, res) => {
      let body = ''
      req.on('data', (part) => (body += part))
      req.on('end', () => {
        const name = /case:([^"]+)"/.exec(body)?.[1] ?? ''
        ;(clients[name] ??= []).push(req.headers['sec-fetch-mode'] ? 'fetch' : 'node:http')
        const reply = cases[name] ?? held[name]
        if (!reply) {
          res.writeHead(404).end()
          return
        }
        void reply(req, res)
      })
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1`
    return async () => {
      streamWorker.threshold = threshold
      await new Promise<void>((resolve) => server.close(() => resolve()))
    }
  })

  for (const name of Object.keys(cases)) {
    test(`same outcome as the provider's doStream: ${name}`, async ({ assert }) => {
      delete clients[name]
      const sdk = await run(name, 'sdk')
      assert.deepEqual(clients[name]?.[0], 'fetch')
      delete clients[name]
      const loop = await run(name, 'loop')
      // The streaming request went through node:http, not the global fetch.
      assert.equal(clients[name]?.[0], 'node:http')
      assert.deepEqual(loop, sdk)
      delete clients[name]
      const sentBefore = streamWorker.sent
      const worker = await run(name, 'worker')
      assert.equal(clients[name]?.[0], 'node:http')
      assert.isAbove(streamWorker.sent, sentBefore, 'the call went through the worker')
      assert.deepEqual(worker, sdk)
    })
  }

  test('the plain case is read as expected (not just alike)', async ({ assert }) => {
    const fast = await run('plain', 'loop')
    assert.deepEqual(fast, {
      text: 'Hello there, friend.',
      finishReason: 'stop',
      usage: { inputTokens: 12, outputTokens: 3 },
      costUsd: 0.001,
      thrown: false,
      failure: null,
    })
    // With the account's own provider key, OpenRouter's fee plus what the provider charged.
    const byok = await run('BYOK usage: the fee and the upstream cost', 'loop')
    assert.closeTo(byok.costUsd!, 0.0042, 1e-12)
    const cut = await run('cut mid-stream', 'loop')
    assert.equal(cut.text, 'half an answer')
    assert.include(cut.failure?.reason ?? '', 'closed the connection')
    const dropped = await run('dropped before any byte (twice)', 'loop')
    // One retry on a fresh connection, then the failure.
    assert.deepEqual(clients['dropped before any byte (twice)']?.slice(-2), [
      'node:http',
      'node:http',
    ])
    assert.isTrue(dropped.thrown)
  })

  test('stopping early (the length limit) leaves the same text', async ({ assert }) => {
    const sdk = await run('plain', 'sdk', 2)
    const loop = await run('plain', 'loop', 2)
    const worker = await run('plain', 'worker', 2)
    assert.equal(loop.text, 'Hello there')
    assert.equal(sdk.text, 'Hello there')
    assert.equal(worker.text, 'Hello there')
  })

  test('stopped mid-stream in the worker: the abort reason, and the connection let go', async ({
    assert,
  }) => {
    letGo.delete('held open')
    const sentBefore = streamWorker.sent
    const { outcome, text } = await heldThroughWorker((controller) => controller.abort('stop'))
    assert.equal(streamWorker.sent, sentBefore + 1)
    assert.equal(text, 'first')
    assert.equal(outcome.streamError, 'stop')
    assert.isTrue(
      await until(() => letGo.has('held open')),
      'the provider saw the connection close'
    )
  })

  test('a worker that dies mid-stream ends its answer as a cut; calls go back to the event loop', async ({
    assert,
  }) => {
    letGo.delete('held open')
    const { outcome, text } = await heldThroughWorker(() => streamWorker.stop())
    assert.equal(text, 'first')
    const failure = classifyProviderError(outcome.streamError, {
      providerLabel: 'OpenRouter',
      keySource: 'platform',
    })
    assert.include(failure?.reason ?? '', 'closed the connection')
    assert.isFalse(streamWorker.ready)
    // The next call is read on the event loop (the worker is not started again at once).
    const sentBefore = streamWorker.sent
    const after = await run('plain', 'worker')
    assert.equal(streamWorker.sent, sentBefore)
    assert.equal(after.text, 'Hello there, friend.')
  })
})
