/*
| The LLM emulator in a process of its own, for benches that time the app's
| path against the model's: a provider is another machine, so its work must
| not share an event loop with the bench's clients (an in-process emulator
| answering the app's model call waits behind the client reading the 202 and
| the /live frames, which a direct call never does). Started by
| startBenchApp({ emulatorProcess: true }); prints one JSON line with its
| base URL, then serves until SIGTERM.
*/
import { LlmEmulator } from '#llm/emulator/llm_emulator'

const emulator = await LlmEmulator.start({ tokensPerSecond: 0, timeToFirstTokenMs: 0 })
process.stdout.write(`${JSON.stringify({ openRouterBaseUrl: emulator.openRouterBaseUrl })}\n`)
process.once('SIGTERM', () => {
  void emulator.close().finally(() => process.exit(0))
})
