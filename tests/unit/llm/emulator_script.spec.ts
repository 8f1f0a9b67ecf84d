import { test } from '@japa/runner'
import {
  buildScript,
  embed,
  failureFromModel,
  replyTokens,
  type RequestSettings,
} from '#llm/emulator/emulator_script'

const defaults = { tokensPerSecond: 0, timeToFirstTokenMs: 0, replyTokens: 24 }

function script(
  lastUserText: string,
  extra: { model?: string; headers?: Record<string, string>; settings?: RequestSettings } = {}
) {
  return buildScript({
    model: extra.model ?? 'gpt-4.1',
    lastUserText,
    promptText: lastUserText,
    headers: extra.headers ?? {},
    defaults,
    settings: extra.settings,
  })
}

test.group('emulator script', () => {
  test('the reply echoes the message, then lorem ipsum, one word per token', ({ assert }) => {
    const tokens = replyTokens('Hello there [[tokens:6]]', 6)
    assert.deepEqual(tokens, ['Echo:', ' Hello', ' there', ' lorem', ' ipsum', ' dolor'])
    assert.equal(tokens.join(''), 'Echo: Hello there lorem ipsum dolor')
  })

  test('directives in the prompt: length, speed, time to first token, failure', ({ assert }) => {
    const result = script('hi [[tokens:100]] [[tps:50]] [[ttft:250]] [[fail:cut]]')
    assert.lengthOf(result.tokens, 100)
    assert.equal(result.tokensPerSecond, 50)
    assert.equal(result.timeToFirstTokenMs, 250)
    assert.equal(result.failure, 'cut')
    assert.notInclude(result.tokens.join(''), '[[')
  })

  test('a pause after the first token: [[hold:N]] or x-emulator-hold-ms', ({ assert }) => {
    assert.equal(script('x').holdMs, 0)
    assert.equal(script('x [[hold:20]]').holdMs, 20)
    assert.equal(script('x [[hold:20]]', { headers: { 'x-emulator-hold-ms': '5' } }).holdMs, 5)
    assert.equal(script('x').thinkMs, 0)
    assert.equal(script('x [[think:1500]]').thinkMs, 1500)
    assert.isNull(script('x').costUsd)
    assert.equal(script('x [[cost:0.0042]]').costUsd, 0.0042)
  })

  test('failure precedence: header over model suffix over prompt', ({ assert }) => {
    assert.equal(script('x [[fail:500]]').failure, '500')
    assert.equal(script('x [[fail:500]]', { model: 'emulator-429' }).failure, '429')
    assert.equal(
      script('x [[fail:500]]', { model: 'emulator-429', headers: { 'x-emulator-fail': 'stall' } })
        .failure,
      'stall'
    )
    assert.isNull(script('x [[fail:nonsense]]').failure)
  })

  test('model suffixes', ({ assert }) => {
    assert.equal(failureFromModel('emulator-401'), '401')
    assert.equal(failureFromModel('dev/emulator-stall-mid'), 'stall-mid')
    assert.equal(failureFromModel('emulator-content_filter'), 'content_filter')
    assert.isNull(failureFromModel('gpt-4o-mini'))
    assert.isNull(failureFromModel('emulator'))
  })

  test('bad numbers fall back to defaults', ({ assert }) => {
    const result = script('x [[tps:-3]] [[tokens:abc]]')
    assert.equal(result.tokensPerSecond, 0)
    assert.lengthOf(result.tokens, 24)
  })

  test('embeddings are deterministic, unit length, and closer for shared words', ({ assert }) => {
    const a = embed('the cat sat on the mat', 64)
    const b = embed('the cat sat on the mat', 64)
    const c = embed('a cat on a mat', 64)
    const d = embed('quarterly revenue forecast', 64)
    assert.deepEqual(a, b)
    assert.lengthOf(a, 64)
    const norm = Math.sqrt(a.reduce((sum, value) => sum + value * value, 0))
    assert.closeTo(norm, 1, 1e-9)
    const dot = (x: number[], y: number[]) => x.reduce((sum, value, i) => sum + value * y[i], 0)
    assert.isAbove(dot(a, c), dot(a, d))
  })

  test('a title request gets the first words of the quoted message, not an echo', ({ assert }) => {
    const request =
      'Write a title of at most six words for a conversation that starts with the message ' +
      'below. Answer with the title only.\n\nPlan a trip to Lisbon in spring [[tokens:6]]'
    assert.equal(script(request).tokens.join(''), 'Plan a trip to Lisbon')
    assert.isTrue(script('Write a title please').tokens[0] === 'Echo:')
  })

  test('[[echo:system]], [[echo:temperature]], [[echo:settings]]: what the request carried', ({
    assert,
  }) => {
    const settings = { systemText: '  You are\na pirate.  ', temperature: 0.7 }
    const text = (prompt: string, given?: RequestSettings) =>
      script(prompt, { settings: given }).tokens.join('')
    assert.equal(text('Who are you? [[echo:system]]', settings), 'System: You are a pirate.')
    assert.equal(text('[[echo:temperature]]', settings), 'Temperature: 0.7')
    assert.equal(
      text('[[echo:settings]] [[tokens:3]]', settings),
      'System: You are a pirate.\n\nTemperature: 0.7'
    )
    /* Nothing carried: said so, not left out. */
    const none = { systemText: null, temperature: null }
    assert.equal(text('[[echo:settings]]', none), 'System: (none)\n\nTemperature: (default)')
    assert.equal(text('[[echo:settings]]'), 'System: (none)\n\nTemperature: (default)')
    assert.equal(
      text('[[echo:temperature]]', { systemText: null, temperature: 0 }),
      'Temperature: 0'
    )
    /* An unknown target (an Object.prototype name included) is a plain echo. */
    assert.equal(text('hi [[echo:constructor]] [[tokens:2]]', settings), 'Echo: hi')
    assert.equal(text('hi [[echo:nope]] [[tokens:2]]', settings), 'Echo: hi')
  })
})
