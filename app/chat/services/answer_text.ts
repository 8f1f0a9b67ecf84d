/*
| The text of a running answer, and where its deltas since the last
| checkpoint end (what a re-attaching tab is replayed from), kept outside
| the JS heap: code units in fixed buffers of 4,096 units (one byte each
| while every unit so far fits one, as V8's own one-byte strings; two, UTF-16,
| from the first that does not), delta ends in a Uint32Array. Appending a
| delta copies its code units and allocates nothing that outlives the call
| (a new buffer every 4,096 units).
|
| Why not `text += delta` and a number[] of ends: at a thousand answers
| streaming, each delta then stayed on the heap (a cons-string node and its
| own string) until the next checkpoint flattened the text, seconds later,
| and each flattened copy lived until the one after; the ends array was
| regrown and sliced every interval. That was ~4.5 MB/s of objects that
| outlived the young generation and died in the old one, so a full
| mark-compact ran every 12-35 s; its concurrent marking, on a 2-core
| machine already running the server and its clients, stalled the event
| loop 60-130 ms (the streams bench's one bad second a minute). The whole
| text is built only when it is needed (a checkpoint, a snapshot, the end),
| and that string dies young.
|
| Code units, not UTF-8: a delta may end between the two halves of a
| surrogate pair (the next delta has the other); stored as units, the text
| and every delta come back exactly as they went in.
*/
const CHUNK_UNITS = 4096
const WIDE_UNIT = /[\u0100-\uffff]/

export class AnswerText {
  #chunks: Buffer[] = []
  #length = 0
  /* Bytes per code unit: 1 (latin1) until a unit above U+00FF arrives, then 2 (utf16le). */
  #unitBytes: 1 | 2 = 1
  /* Ends of the deltas since the checkpoint: delta i ends at #ends[i], starts at the previous end. */
  #ends = new Uint32Array(64)
  #deltas = 0
  /* Where the first delta since the checkpoint starts. */
  #tailStart = 0

  /* In UTF-16 code units, as String#length counts. */
  get length() {
    return this.#length
  }

  /* Deltas appended since the last dropDeltas that are still kept. */
  get deltaCount() {
    return this.#deltas
  }

  append(delta: string) {
    if (this.#unitBytes === 1 && WIDE_UNIT.test(delta)) this.#widen()
    this.#write(delta)
    if (this.#deltas === this.#ends.length) {
      const grown = new Uint32Array(this.#ends.length * 2)
      grown.set(this.#ends)
      this.#ends = grown
    }
    this.#ends[this.#deltas++] = this.#length
  }

  #write(delta: string) {
    const encoding = this.#unitBytes === 1 ? 'latin1' : 'utf16le'
    let from = 0
    while (from < delta.length) {
      const offset = this.#length % CHUNK_UNITS
      if (offset === 0 && this.#chunks.length * CHUNK_UNITS === this.#length) {
        this.#chunks.push(Buffer.allocUnsafeSlow(CHUNK_UNITS * this.#unitBytes))
      }
      const units = Math.min(delta.length - from, CHUNK_UNITS - offset)
      const part = units === delta.length ? delta : delta.slice(from, from + units)
      this.#chunks[this.#chunks.length - 1].write(part, offset * this.#unitBytes, encoding)
      from += units
      this.#length += units
    }
  }

  /* The text so far again, two bytes a unit (the delta ends are unit offsets: unchanged). */
  #widen() {
    const text = this.toString()
    this.#chunks = []
    this.#length = 0
    this.#unitBytes = 2
    this.#write(text)
  }

  /* Code units [start, end), as String#slice with non-negative indices (clamped to the text). */
  slice(start: number, end: number): string {
    end = Math.min(end, this.#length)
    if (end <= start) return ''
    const first = Math.floor(start / CHUNK_UNITS)
    const last = Math.floor((end - 1) / CHUNK_UNITS)
    const size = this.#unitBytes
    const part = (index: number) =>
      this.#chunks[index].toString(
        size === 1 ? 'latin1' : 'utf16le',
        index === first ? (start % CHUNK_UNITS) * size : 0,
        index === last ? (((end - 1) % CHUNK_UNITS) + 1) * size : CHUNK_UNITS * size
      )
    if (first === last) return part(first)
    const parts: string[] = []
    for (let index = first; index <= last; index++) parts.push(part(index))
    return parts.join('')
  }

  toString(): string {
    return this.slice(0, this.#length)
  }

  /* The text of the index-th kept delta (0: the first after the checkpoint). */
  delta(index: number): string {
    return this.slice(index === 0 ? this.#tailStart : this.#ends[index - 1], this.#ends[index])
  }

  /* Forgets the first `count` kept deltas (a checkpoint made them durable). */
  dropDeltas(count: number) {
    const dropped = Math.min(count, this.#deltas)
    if (dropped <= 0) return
    this.#tailStart = this.#ends[dropped - 1]
    this.#ends.copyWithin(0, dropped, this.#deltas)
    this.#deltas -= dropped
  }
}
