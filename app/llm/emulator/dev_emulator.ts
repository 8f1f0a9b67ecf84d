import app from '@adonisjs/core/services/app'
import { LlmEmulator } from '#llm/emulator/llm_emulator'
import { emulatorEnabled } from '#config/models'

/*
| The emulator behind the "Development emulator" model: one per process,
| started on first use on a free loopback port, stopped when the app
| terminates (LlmProvider.shutdown). In development it streams at a visible
| pace; in tests it answers at once unless a prompt asks otherwise
| ([[tps:20]], [[ttft:500]]...).
*/

let starting: Promise<LlmEmulator> | null = null

export function devEmulator(): Promise<LlmEmulator> {
  if (!emulatorEnabled()) {
    return Promise.reject(
      new Error('The development emulator model is disabled (production or LLM_EMULATOR=false)')
    )
  }
  starting ??= LlmEmulator.start(
    app.inTest
      ? { tokensPerSecond: 0, timeToFirstTokenMs: 0 }
      : { tokensPerSecond: 40, timeToFirstTokenMs: 250 }
  ).catch((error) => {
    starting = null
    throw error
  })
  return starting
}

export async function stopDevEmulator(): Promise<void> {
  const running = starting
  starting = null
  if (!running) return
  const emulator = await running
  await emulator.close()
}
