/*
| Timings of a generation. A container binding, so tests can shorten the
| stall watchdog (app.container.swap(GenerationSettings, ...)).
*/
export default class GenerationSettings {
  constructor(
    /* No delta for this long ends the answer (LlmStalledError). */
    readonly stallMs = 30_000,
    /* A whole answer may not take longer (LlmTimeoutError). */
    readonly timeoutMs = 10 * 60_000,
    /* At most one durable text checkpoint per this interval. */
    readonly checkpointMs = 2_000,
    /* The automatic title call gives up after this long (then: the message's first words). */
    readonly titleTimeoutMs = 15_000
  ) {}
}
