/*
| A provider can be working on an answer without sending any of its text: a
| reasoning model thinks for a minute first (its reasoning arrives, or only
| keep-alive comments such as OpenRouter's ": OPENROUTER PROCESSING"). The
| stall watchdog must see that as activity, or it would cut every long think
| as "stopped sending the answer". The stream readers tell it with an empty
| text delta (''), at most once per ALIVE_EVERY_MS: far inside any stall
| limit, and far fewer messages than the reasoning's own deltas (token rate).
|
| The trade-off: OpenRouter also sends its keep-alive comments while an
| upstream provider is slow to answer, and those count too (a hidden-reasoning
| model sends nothing else), so a hung upstream behind OpenRouter is ended by
| OpenRouter's own timeout or the whole-answer deadline (10 min), not by the
| stall limit. A provider that sends no bytes at all still stalls as before.
*/
export const ALIVE_EVERY_MS = 250

/* A function to call on every sign of life without text; it passes '' to `onText` now and then. */
export function aliveSignal(onText: (text: string) => unknown): () => void {
  let last = performance.now()
  return () => {
    const now = performance.now()
    if (now - last < ALIVE_EVERY_MS) return
    last = now
    onText('')
  }
}
