import AiModel from '#models/ai_model'
import { EMULATOR_MODEL_ID, emulatorModel } from '#config/models'

/*
| A development-emulator model with a tiny context window, for tests of
| prompt trimming: a few messages overflow it. Written straight into the
| test database's catalog (the curated config has no such model; the next
| boot's seed retires it again).
*/
export const SMALL_CONTEXT_MODEL_ID = `${EMULATOR_MODEL_ID}-small-context`

export async function ensureSmallContextModel(contextLength = 400): Promise<string> {
  await AiModel.updateOrCreate(
    { modelId: SMALL_CONTEXT_MODEL_ID },
    {
      providerName: 'emulator',
      name: 'Development emulator (small context)',
      isAvailable: true,
      isByokSupported: false,
      isPaidModel: false,
      capabilities: {
        ...emulatorModel.capabilities,
        context_length: contextLength,
        vendor: emulatorModel.vendor,
        upstream_id: emulatorModel.upstreamId,
        description: 'Test model: the emulator with a tiny context window.',
        source: 'config',
        synced_at: null,
      },
    }
  )
  return SMALL_CONTEXT_MODEL_ID
}
