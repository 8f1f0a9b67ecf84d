/*
| Loaded into the app server by the sync bench (node --expose-gc
| --import=<this file>): on SIGUSR2 it collects garbage and writes the
| process's memory use to stderr as one line, `@@memory {json}`, so the bench
| samples memory after a full GC rather than wherever the collector happens
| to be. Bench-only: production never loads it. With
| SYNC_BENCH_HEAP_SNAPSHOT=<dir> it also writes a heap snapshot there.
*/
import { readFileSync } from 'node:fs'
import { writeHeapSnapshot } from 'node:v8'

/* RSS split as Linux reports it: anonymous memory, and mapped files (the SQLite files). */
function rssParts() {
  const status = readFileSync('/proc/self/status', 'utf8')
  const kb = (field) => Number(status.match(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm'))?.[1] ?? 0)
  return { rssAnon: kb('RssAnon') * 1024, rssFile: kb('RssFile') * 1024, rssShmem: kb('RssShmem') * 1024 }
}

process.on('SIGUSR2', () => {
  // V8's "last resort" collection: full GCs until nothing more is freed, compacting the heap
  // and giving its free pages back, so RSS holds what is retained and not what is garbage.
  globalThis.gc?.({ type: 'major', execution: 'sync', flavor: 'last-resort' })
  const usage = { ...process.memoryUsage(), ...rssParts() }
  let snapshot = null
  if (process.env.SYNC_BENCH_HEAP_SNAPSHOT) {
    snapshot = writeHeapSnapshot(
      `${process.env.SYNC_BENCH_HEAP_SNAPSHOT}/server-${process.pid}-${Date.now()}.heapsnapshot`
    )
  }
  process.stderr.write(`@@memory ${JSON.stringify({ ...usage, snapshot })}\n`)
})
