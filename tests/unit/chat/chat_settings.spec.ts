import { test } from '@japa/runner'
import { Schema } from '@livestore/livestore'
import { events, LIMITS } from '#shared/livestore/schema'
import {
  draftOf,
  formatTemperature,
  parseChatSettings,
  promptCounter,
  settingsOf,
  settingsSummary,
} from '#shared/chat/chat_settings'

/* The sync server's check of a pushed v1.ChatSettingsSet (sync_event_codec.ts decodes with it). */
const serverAccepts = Schema.is(events.chatSettingsSet.schema)

const draft = (systemPrompt: string, temperature: string) => ({ systemPrompt, temperature })

test.group('chat settings (the settings dialog)', () => {
  test('whatever the dialog saves, the server accepts; at the limits both refuse alike', ({
    assert,
  }) => {
    const limit = LIMITS.systemPromptLength
    const drafts = [
      draft('', ''),
      draft('Be brief.', '0.7'),
      draft('x'.repeat(limit), '2'),
      draft('x'.repeat(limit + 1), ''),
      draft('   ', '0'),
      draft('', '2.01'),
      draft('', '-0.1'),
      draft('', '0,5'),
      draft('', '.5'),
      draft('', '1.'),
      draft('', 'abc'),
      draft('', '1e0'),
      draft('', 'Infinity'),
      draft('', '0x1'),
    ]
    for (const input of drafts) {
      const parsed = parseChatSettings(input)
      const label = `${input.systemPrompt.length} chars, temperature ${JSON.stringify(input.temperature)}`
      if (parsed.ok) {
        assert.isTrue(serverAccepts({ id: 'c1', ...parsed.settings }), label)
      }
    }
    /* The boundaries, from both sides. */
    assert.isTrue(parseChatSettings(draft('x'.repeat(limit), '2')).ok)
    assert.isFalse(
      serverAccepts({ id: 'c1', systemPrompt: 'x'.repeat(limit + 1), temperature: null })
    )
    assert.isFalse(parseChatSettings(draft('x'.repeat(limit + 1), '')).ok)
    assert.isFalse(serverAccepts({ id: 'c1', systemPrompt: null, temperature: 2.01 }))
    assert.isFalse(parseChatSettings(draft('', '2.01')).ok)
    assert.isFalse(serverAccepts({ id: 'c1', systemPrompt: null, temperature: -0.1 }))
    assert.isFalse(parseChatSettings(draft('', '-0.1')).ok)
  })

  test('parsing: empty means the default (null); the prompt is kept as typed', ({ assert }) => {
    assert.deepEqual(parseChatSettings(draft('', '')), {
      ok: true,
      settings: { systemPrompt: null, temperature: null },
    })
    assert.deepEqual(parseChatSettings(draft(' \n ', '  ')), {
      ok: true,
      settings: { systemPrompt: null, temperature: null },
    })
    assert.deepEqual(parseChatSettings(draft('  Be brief.\n', ' 0,7 ')), {
      ok: true,
      settings: { systemPrompt: '  Be brief.\n', temperature: 0.7 },
    })
    assert.deepEqual(parseChatSettings(draft('', '.5')), {
      ok: true,
      settings: { systemPrompt: null, temperature: 0.5 },
    })
  })

  test('errors name the problem for each field', ({ assert }) => {
    const parsed = parseChatSettings(draft('x'.repeat(LIMITS.systemPromptLength + 2), '3'))
    assert.isFalse(parsed.ok)
    if (parsed.ok) return
    assert.equal(parsed.errors.systemPrompt, '2 characters over the limit of 32,768.')
    assert.equal(parsed.errors.temperature, 'Temperature goes from 0 to 2.')

    const typo = parseChatSettings(draft('fine', '0.7x'))
    assert.isFalse(typo.ok)
    if (typo.ok) return
    assert.isUndefined(typo.errors.systemPrompt)
    assert.equal(typo.errors.temperature, 'Enter a number from 0 to 2, or use the default.')
  })

  test('drafts, summary and counter', ({ assert }) => {
    assert.deepEqual(draftOf({ systemPrompt: null, temperature: null }), {
      systemPrompt: '',
      temperature: '',
    })
    assert.deepEqual(draftOf({ systemPrompt: 'Hi', temperature: 0.30000000000000004 }), {
      systemPrompt: 'Hi',
      temperature: '0.3',
    })
    assert.equal(formatTemperature(1), '1')
    assert.equal(formatTemperature(0.25), '0.25')

    assert.isNull(settingsSummary({ systemPrompt: null, temperature: null }))
    assert.equal(settingsSummary({ systemPrompt: 'x', temperature: null }), 'System prompt')
    assert.equal(settingsSummary({ systemPrompt: null, temperature: 0 }), 'Temp 0')
    assert.equal(
      settingsSummary({ systemPrompt: 'x', temperature: 1.2 }),
      'System prompt · Temp 1.2'
    )
    /* A prompt of only spaces (another client may write one) is none, as the server reads it. */
    assert.deepEqual(settingsOf({ systemPrompt: '  ', temperature: null }), {
      systemPrompt: null,
      temperature: null,
    })

    assert.isNull(promptCounter(100))
    assert.deepEqual(promptCounter(LIMITS.systemPromptLength), {
      text: '32,768 / 32,768',
      over: false,
    })
    assert.isTrue(promptCounter(LIMITS.systemPromptLength + 1)!.over)
  })
})
