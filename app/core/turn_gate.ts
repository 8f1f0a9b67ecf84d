/*
| At most `perTurn` holders per turn of the event loop; the others wait for
| later turns, `perTurn` at a time, in arrival order.
|
| For bursts. A thousand reply requests read in one turn would otherwise be
| handled to the end, each starting its provider call (a fetch to set up),
| before the loop could run a timer or deliver a token of the answers
| already streaming: one stall of half a second or more. Spread over turns,
| the work gets done as fast as before on the whole, and what was already
| running keeps its pace. A lone caller never waits. Used for HTTP requests
| (RequestTurnMiddleware) and for provider calls (GenerationRunner).
*/
export class TurnGate {
  #admitted = 0
  #turnOpen = false
  #turnStartedAt = 0
  #waiting: (() => void)[] = []
  #draining = false

  /*
  | `budgetMs`: also no more once this long has passed since the turn's first
  | entry (work admitted earlier in the turn runs to its first real wait before
  | the next entry, so the clock sees it).
  */
  constructor(
    readonly perTurn: number,
    readonly budgetMs = Infinity
  ) {}

  /* Null when the caller may go on at once, else a promise settling in a later turn. */
  enter(): Promise<void> | null {
    this.#openTurn()
    if (
      this.#waiting.length === 0 &&
      this.#admitted < this.perTurn &&
      (this.#admitted === 0 || performance.now() - this.#turnStartedAt < this.budgetMs)
    ) {
      this.#admitted++
      return null
    }
    const turn = new Promise<void>((resolve) => this.#waiting.push(resolve))
    this.#drainLater()
    return turn
  }

  get waiting() {
    return this.#waiting.length
  }

  /* The first entry of a turn: the count resets once the loop reaches its check phase. */
  #openTurn() {
    if (this.#turnOpen) return
    this.#turnOpen = true
    this.#turnStartedAt = performance.now()
    setImmediate(() => {
      this.#turnOpen = false
      this.#admitted = 0
    })
  }

  /*
  | One batch per later turn: an immediate queued from an immediate runs in
  | the next iteration of the loop, after its timers and I/O.
  */
  #drainLater() {
    if (this.#draining) return
    this.#draining = true
    setImmediate(() => this.#drain())
  }

  #drain() {
    this.#openTurn()
    while (this.#waiting.length > 0 && this.#admitted < this.perTurn) {
      this.#admitted++
      this.#waiting.shift()!()
    }
    if (this.#waiting.length > 0) setImmediate(() => this.#drain())
    else this.#draining = false
  }
}
