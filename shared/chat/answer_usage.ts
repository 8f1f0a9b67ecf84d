import type { Usage } from '#shared/livestore/schema'

/*
| What an answer used, as its message shows it: the tokens, and the cost
| when there was one (free models and answers without usage show none).
| Costs are stored in micro-dollars; under a dollar they show two
| significant digits ($0.00031, $0.012), from a dollar up, cents ($1.24).
*/

const tokensFormat = new Intl.NumberFormat('en-US')
const centsFormat = new Intl.NumberFormat('en-US', {
  style: 'currency',
  currency: 'USD',
  minimumFractionDigits: 2,
  maximumFractionDigits: 2,
})
const smallFormat = new Intl.NumberFormat('en-US', {
  style: 'currency',
  currency: 'USD',
  minimumSignificantDigits: 2,
  maximumSignificantDigits: 2,
})

export function formatCost(costMicros: number | null): string | null {
  if (costMicros === null || !Number.isFinite(costMicros) || costMicros <= 0) return null
  const dollars = costMicros / 1_000_000
  if (dollars < 0.0001) return '<$0.0001'
  // What rounds to a dollar or more is shown in cents: $1.00, not $1.0.
  return dollars < 0.995 ? smallFormat.format(dollars) : centsFormat.format(dollars)
}

export interface AnswerUsageView {
  /* "1,234 tokens · $0.0042" */
  summary: string
  /* "12 in · 1,222 out · $0.004210" (the exact cost), for the tooltip. */
  detail: string
}

export function answerUsage(
  usage: Usage | null,
  costMicros: number | null
): AnswerUsageView | null {
  if (!usage) return null
  const total = usage.inputTokens + usage.outputTokens
  const cost = formatCost(costMicros)
  const tokens = `${tokensFormat.format(total)} ${total === 1 ? 'token' : 'tokens'}`
  const exact = cost && costMicros !== null ? ` · $${(costMicros / 1_000_000).toFixed(6)}` : ''
  return {
    summary: cost ? `${tokens} · ${cost}` : tokens,
    detail: `${tokensFormat.format(usage.inputTokens)} in · ${tokensFormat.format(usage.outputTokens)} out${exact}`,
  }
}
