import { test } from '@japa/runner'
import { DEFAULT_MODEL_ID, EMULATOR_MODEL_ID } from '#config/models'
import { chooseDefaultModel } from '#catalog/services/default_model_service'
import type { ModelAccess } from '#catalog/services/model_access_service'

const usable: ModelAccess = { usable: true, via: 'platform_key' }
const needsKey: ModelAccess = {
  usable: false,
  lock: { reason: 'needs_key', keyProvider: 'openrouter', message: 'Add your key' },
}

test.group('Default model of a new chat', () => {
  test('the house default when the user can use it', ({ assert }) => {
    const models = [
      { id: 'anthropic/claude-sonnet-4.5', access: usable },
      { id: DEFAULT_MODEL_ID, access: usable },
      { id: EMULATOR_MODEL_ID, access: { usable: true, via: 'emulator' } as const },
    ]
    assert.equal(chooseDefaultModel(models), DEFAULT_MODEL_ID)
  })

  test('the development emulator when the house default is locked and the emulator runs', ({
    assert,
  }) => {
    const models = [
      { id: 'some/operator-model', access: { usable: true, via: 'operator' } as const },
      { id: DEFAULT_MODEL_ID, access: needsKey },
      { id: EMULATOR_MODEL_ID, access: { usable: true, via: 'emulator' } as const },
    ]
    assert.equal(chooseDefaultModel(models), EMULATOR_MODEL_ID)
  })

  test('without the emulator (production): the first model the user can use', ({ assert }) => {
    const models = [
      { id: 'anthropic/claude-sonnet-4.5', access: needsKey },
      { id: DEFAULT_MODEL_ID, access: needsKey },
      { id: 'google/gemini-2.5-flash', access: { usable: true, via: 'user_key' } as const },
    ]
    assert.equal(chooseDefaultModel(models), 'google/gemini-2.5-flash')
  })

  test('the house default when nothing is usable (its lock says how to unlock it)', ({
    assert,
  }) => {
    assert.equal(
      chooseDefaultModel([
        { id: DEFAULT_MODEL_ID, access: needsKey },
        { id: 'anthropic/claude-sonnet-4.5', access: needsKey },
      ]),
      DEFAULT_MODEL_ID
    )
  })
})
