import { Worker } from 'node:worker_threads'
import { createRequire } from 'node:module'

/*
|--------------------------------------------------------------------------
| WAL checkpoints off the event loop
|--------------------------------------------------------------------------
|
| SQLite in WAL mode copies the log back into the database file (a
| checkpoint) on the connection whose commit pushed the log past 1,000 pages,
| inside that commit. Our one connection commits on the event loop, so that
| copy stalled it: at a thousand streaming answers (checkpoint events and
| message rows, ~6 MB of log a second) a commit of a single 15 KB event took
| 10-14 ms one to two times a second, nearly every commit over 5 ms in the
| streams bench's steady window (FLUSH_TRACE-style timing of SyncEventLog's
| group commits).
|
| Here a worker thread with its own connection runs a PASSIVE checkpoint
| every `intervalMs` (it waits for no reader or writer; frames still in use
| are copied on a later pass) and the main connection's automatic checkpoint
| is turned off while the worker runs, back on (SQLite's 1,000 pages) if it
| stops or dies. The worker's fsync of the database file happens off the
| loop too.
*/

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads')
const Database = require(workerData.driver)
const db = new Database(workerData.file)
db.pragma('busy_timeout = 0')
const pass = () => {
  try {
    const [result] = db.pragma('wal_checkpoint(PASSIVE)')
    parentPort.postMessage({ type: 'checkpoint', ...result })
  } catch (error) {
    parentPort.postMessage({ type: 'failed', message: String(error && error.message) })
  }
}
const timer = setInterval(pass, workerData.intervalMs)
parentPort.on('message', (message) => {
  if (message !== 'stop') return
  clearInterval(timer)
  db.close()
  parentPort.close()
})
parentPort.postMessage({ type: 'ready' })
`

/* SQLite's default for wal_autocheckpoint (pages). */
export const AUTO_CHECKPOINT_PAGES = 1000

export interface CheckpointReport {
  /* Frames in the log, and how many of them are now in the database file. */
  log: number
  checkpointed: number
  busy: number
}

export interface WalCheckpointerOptions {
  file: string
  intervalMs?: number
  /* Sets the main connection's wal_autocheckpoint (0 while the worker runs). */
  setAutoCheckpoint: (pages: number) => Promise<unknown> | unknown
  onCheckpoint?: (report: CheckpointReport) => void
  onError?: (message: string) => void
}

export class WalCheckpointer {
  #worker: Worker
  #stopped = false
  #restored = false

  private constructor(
    worker: Worker,
    protected options: WalCheckpointerOptions
  ) {
    this.#worker = worker
  }

  /* Resolves once the worker has its connection open and the main connection's autocheckpoint is off. */
  static async start(options: WalCheckpointerOptions): Promise<WalCheckpointer> {
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: {
        file: options.file,
        intervalMs: options.intervalMs ?? 500,
        driver: createRequire(import.meta.url).resolve('better-sqlite3'),
      },
    })
    worker.unref()
    const checkpointer = new WalCheckpointer(worker, options)
    await new Promise<void>((resolve, reject) => {
      worker.once('error', reject)
      worker.on('message', (message: { type: string; message?: string } & CheckpointReport) => {
        if (message.type === 'ready') resolve()
        else if (message.type === 'checkpoint') options.onCheckpoint?.(message)
        else if (message.type === 'failed')
          options.onError?.(message.message ?? 'checkpoint failed')
      })
    })
    worker.on('error', (error) => options.onError?.(error.message))
    // Died or stopped: the main connection checkpoints by itself again.
    worker.once('exit', () => void checkpointer.#restore())
    await options.setAutoCheckpoint(0)
    return checkpointer
  }

  async stop() {
    if (this.#stopped) return
    this.#stopped = true
    const exited = new Promise<void>((resolve) => this.#worker.once('exit', () => resolve()))
    this.#worker.postMessage('stop')
    await exited
    await this.#restore()
  }

  async #restore() {
    if (this.#restored) return
    this.#restored = true
    try {
      await this.options.setAutoCheckpoint(AUTO_CHECKPOINT_PAGES)
    } catch (error) {
      // The connection is closing with the app: closing checkpoints the log anyway.
      this.options.onError?.((error as Error).message)
    }
  }
}
