import { test } from '@japa/runner'
import { TurnGate } from '#core/turn_gate'

/* Resolves in the next iteration of the event loop (after its timers and I/O). */
const nextTurn = () => new Promise<void>((resolve) => setImmediate(() => setImmediate(resolve)))

test.group('TurnGate', () => {
  test('admits at most perTurn in a turn, the rest in later turns, in arrival order', async ({
    assert,
  }) => {
    const gate = new TurnGate(3)
    const order: number[] = []
    const turnOf: number[] = []
    // Counts iterations of the event loop: one increment per check phase.
    let turn = 0
    let counting = true
    const count = () => {
      turn++
      if (counting) setImmediate(count)
    }
    setImmediate(count)
    const entries = Array.from({ length: 8 }, (_, index) => {
      const waited = gate.enter()
      const admitted = () => {
        order.push(index)
        turnOf[index] = turn
      }
      if (waited === null) {
        admitted()
        return Promise.resolve()
      }
      return waited.then(admitted)
    })
    assert.deepEqual(order, [0, 1, 2])
    assert.equal(gate.waiting, 5)

    await Promise.all(entries)
    counting = false
    assert.deepEqual(order, [0, 1, 2, 3, 4, 5, 6, 7])
    // No turn admitted more than three.
    const perTurn = new Map<number, number>()
    for (const at of turnOf) perTurn.set(at, (perTurn.get(at) ?? 0) + 1)
    assert.isAtMost(Math.max(...perTurn.values()), 3)
    assert.isAtLeast(perTurn.size, 3)
  })

  test('a lone entry never waits, turn after turn', async ({ assert }) => {
    const gate = new TurnGate(1)
    for (let index = 0; index < 5; index++) {
      assert.isNull(gate.enter())
      await nextTurn()
    }
  })

  test('one waiting keeps later arrivals behind it, even with room in a new turn', async ({
    assert,
  }) => {
    const gate = new TurnGate(1)
    assert.isNull(gate.enter())
    const second = gate.enter()
    assert.isNotNull(second)
    // Still the same turn: a third arrival queues behind the second.
    const third = gate.enter()
    assert.isNotNull(third)
    const order: string[] = []
    await Promise.all([
      second!.then(() => order.push('second')),
      third!.then(() => order.push('third')),
    ])
    assert.deepEqual(order, ['second', 'third'])
  })

  test('with a time budget, no more entries once the turn has run that long', async ({
    assert,
  }) => {
    const gate = new TurnGate(100, 2)
    assert.isNull(gate.enter())
    // The first entry's work: longer than the budget.
    const until = performance.now() + 5
    while (performance.now() < until);
    const late = gate.enter()
    assert.isNotNull(late)
    await late
    // A new turn: room again.
    await nextTurn()
    assert.isNull(gate.enter())
  })
})
