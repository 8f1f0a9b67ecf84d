import { test } from '@japa/runner'
import { answerUsage, formatCost } from '#shared/chat/answer_usage'

test.group('Answer usage (shown under an answer)', () => {
  test('costs: none when free or unknown, and a precision that fits the amount', ({ assert }) => {
    assert.isNull(formatCost(null))
    assert.isNull(formatCost(0))
    assert.equal(formatCost(40), '<$0.0001')
    assert.equal(formatCost(312), '$0.00031')
    assert.equal(formatCost(4_321), '$0.0043')
    assert.equal(formatCost(9_999), '$0.010')
    assert.equal(formatCost(12_345), '$0.012')
    assert.equal(formatCost(99_999), '$0.10')
    assert.equal(formatCost(999_999), '$1.00')
    assert.equal(formatCost(1_237_500), '$1.24')
    assert.equal(formatCost(1_234_567_890), '$1,234.57')
  })

  test('tokens in total, the cost beside them, the split and exact cost in the detail', ({
    assert,
  }) => {
    assert.isNull(answerUsage(null, 100))
    assert.deepEqual(answerUsage({ inputTokens: 12, outputTokens: 1_222 }, 4_321), {
      summary: '1,234 tokens · $0.0043',
      detail: '12 in · 1,222 out · $0.004321',
    })
    assert.deepEqual(answerUsage({ inputTokens: 0, outputTokens: 1 }, 0), {
      summary: '1 token',
      detail: '0 in · 1 out',
    })
  })
})
