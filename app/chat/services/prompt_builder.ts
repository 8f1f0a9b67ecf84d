import type { ModelMessage } from 'ai'
import type { PathMessage } from '#chat/services/conversation_path'

/* Approximate tokens: about four characters each, for every model we serve. */
export const approxTokens = (text: string) => Math.ceil(text.length / 4)

export const TRIM_MARKER =
  '[Earlier messages of this conversation were left out to fit the model context window.]'

const DEFAULT_CONTEXT = 128_000
/* Room kept for the answer: a quarter of the window, at most 8k tokens. */
const answerReserve = (context: number) => Math.min(8_192, Math.floor(context / 4))
/* Per message framing (role markers) the providers add. */
const MESSAGE_OVERHEAD = 4

export interface BuiltPrompt {
  system: string | undefined
  messages: ModelMessage[]
  /* Messages of the path left out (oldest first); 0 when the whole path fits. */
  trimmed: number
  /*
  | When anything was left out or cut: the id of the oldest path message sent
  | (the place of the marker), which the thread shows as its cut. Else null.
  */
  contextStartId: string | null
}

/*
| The prompt is the path, newest messages kept first until the window is
| full. Answers that produced no text (errors, interrupted at once) are left
| out: they carry nothing the model should read. When anything was dropped,
| a marker says so at the start, so the model does not take the kept part for
| the whole conversation. The newest user message is always sent, cut from
| its start if it alone overflows the window.
*/
export function buildPrompt(
  path: PathMessage[],
  options: { contextLength: number | null; systemPrompt: string | null }
): BuiltPrompt {
  const context =
    options.contextLength && options.contextLength > 0 ? options.contextLength : DEFAULT_CONTEXT
  const system = options.systemPrompt?.trim() ? options.systemPrompt : undefined
  let budget =
    context - answerReserve(context) - (system ? approxTokens(system) + MESSAGE_OVERHEAD : 0)

  const usable = path.filter(
    (message) =>
      (message.role === 'user' || message.role === 'assistant') && message.content.length > 0
  )
  const kept: ModelMessage[] = []
  const keptIds: string[] = []
  let cut = false
  let index = usable.length - 1
  for (; index >= 0; index--) {
    const message = usable[index]
    const cost = approxTokens(message.content) + MESSAGE_OVERHEAD
    if (cost > budget) {
      if (kept.length === 0) {
        // The newest message alone is too long: keep its end, which the user wrote last.
        const chars = Math.max(0, (budget - MESSAGE_OVERHEAD - approxTokens(TRIM_MARKER)) * 4)
        kept.unshift({ role: 'user', content: message.content.slice(-chars) })
        keptIds.unshift(message.id)
        cut = true
        index--
      }
      break
    }
    budget -= cost
    keptIds.unshift(message.id)
    kept.unshift(
      message.role === 'user'
        ? { role: 'user', content: message.content }
        : { role: 'assistant', content: message.content }
    )
  }
  let trimmed = index + 1
  // An answer whose question was left out would open the prompt: it goes too.
  if (trimmed > 0 && kept.length > 1 && kept[0].role === 'assistant') {
    kept.shift()
    keptIds.shift()
    trimmed++
  }
  if (trimmed > 0 || cut) {
    const first = kept[0]
    // Merged into the first kept message: some providers refuse two user turns in a row.
    if (first && first.role === 'user' && typeof first.content === 'string') {
      kept[0] = { role: 'user', content: `${TRIM_MARKER}\n\n${first.content}` }
    } else {
      kept.unshift({ role: 'user', content: TRIM_MARKER })
    }
  }
  const contextStartId = trimmed > 0 || cut ? (keptIds[0] ?? null) : null
  return { system, messages: kept, trimmed, contextStartId }
}
