import { randomUUID } from 'node:crypto'
import db from '@adonisjs/lucid/services/db'
import { mainSqlite } from '#core/main_sqlite'
import type { StoredSyncEvent } from '#sync/sync_types'
import {
  SyncProjection,
  sqlTimestamp,
  type ProjectableEvent,
  type SqlRunner,
} from '#sync/services/sync_projection'

export interface StoreRecord {
  storeId: string
  userId: string
  backendId: string
  head: number
}

interface EventRow {
  seq_num: number
  parent_seq_num: number
  name: string
  args: string
  client_id: string
  session_id: string
  created_at: string
}

export class HeadMovedError extends Error {
  constructor(storeId: string) {
    super(
      `The head of ${storeId} moved outside this process: the sync server must run in one process`
    )
  }
}

/* The slice of a better-sqlite3 Database this module uses. */
interface BetterSqliteConnection {
  prepare(sql: string): { run(...bindings: unknown[]): { changes: number } }
  transaction(fn: () => void): () => void
}

const INSERT_EVENT = `INSERT INTO sync_events
  (store_id, seq_num, parent_seq_num, name, args, client_id, session_id, created_at)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?)`

const ADVANCE_HEAD = `UPDATE sync_stores SET head = ?, updated_at = ? WHERE store_id = ? AND head = ?`

interface PendingAppend {
  store: { storeId: string; userId: string; head: number }
  events: StoredSyncEvent[]
  projectable: ProjectableEvent[]
  resolve: (head: number) => void
  reject: (error: unknown) => void
}

/*
| The event log tables (sync_stores, sync_events) on the main connection.
| Appending writes the events, advances the head and projects into
| chats/messages in one transaction: either all of it happens or none.
|
| Appends of different stores that arrive in the same turn of the event loop
| share one SQLite transaction (group commit), each inside its own savepoint:
| one failing append rolls back alone. A store never has two appends in flight
| (SyncService queues them), so a group holds at most one per store.
*/
export class SyncEventLog {
  #projection = new SyncProjection()
  #pending: PendingAppend[] = []
  #flushScheduled = false
  #statements = new WeakMap<
    BetterSqliteConnection,
    Map<string, { run(...bindings: unknown[]): { changes: number } }>
  >()

  /* The store's row, created on first use with its permanent backendId. */
  async openStore(storeId: string, userId: string): Promise<StoreRecord> {
    // Nearly always there already (a store is reopened on each write once idle): one prepared read.
    const existing = await mainSqlite.get<StoreRow>(FIND_STORE, [storeId])
    if (existing) return toStoreRecord(existing)
    const now = sqlTimestamp(Date.now())
    await db.rawQuery(
      `INSERT INTO sync_stores (store_id, user_id, backend_id, head, created_at, updated_at)
       VALUES (?, ?, ?, 0, ?, ?) ON CONFLICT (store_id) DO NOTHING`,
      [storeId, userId, randomUUID(), now, now]
    )
    const row = await db
      .from('sync_stores')
      .select('store_id', 'user_id', 'backend_id', 'head')
      .where('store_id', storeId)
      .firstOrFail()
    return toStoreRecord(row)
  }

  /* Events with afterSeq < seqNum <= uptoSeq, oldest first. */
  async read(
    storeId: string,
    afterSeq: number,
    uptoSeq: number,
    limit: number
  ): Promise<StoredSyncEvent[]> {
    const rows: EventRow[] = await db
      .from('sync_events')
      .select('seq_num', 'parent_seq_num', 'name', 'args', 'client_id', 'session_id', 'created_at')
      .where('store_id', storeId)
      .where('seq_num', '>', afterSeq)
      .where('seq_num', '<=', uptoSeq)
      .orderBy('seq_num', 'asc')
      .limit(limit)
    return rows.map(toStoredEvent)
  }

  append(
    store: { storeId: string; userId: string; head: number },
    events: StoredSyncEvent[],
    projectable: ProjectableEvent[]
  ): Promise<number> {
    return new Promise((resolve, reject) => {
      this.#pending.push({ store, events, projectable, resolve, reject })
      if (!this.#flushScheduled) {
        this.#flushScheduled = true
        setImmediate(() => void this.#flush())
      }
    })
  }

  async #flush() {
    this.#flushScheduled = false
    const group = this.#pending
    this.#pending = []
    const outcomes: Array<{ ok: true; head: number } | { ok: false; error: unknown }> = []
    // The main connection's own better-sqlite3 handle, borrowed from Lucid's pool (one
    // connection for SQLite) and given back at once: the whole group is one synchronous
    // transaction of prepared statements, far cheaper than a query builder round trip per row.
    const knex = db.connection().getWriteClient()
    let connection: BetterSqliteConnection
    try {
      connection = await knex.client.acquireConnection()
    } catch (error) {
      for (const item of group) item.reject(error)
      return
    }
    try {
      const run = this.#runner(connection)
      connection.transaction(() => {
        for (const item of group) {
          try {
            // Nested: a savepoint, so this append rolls back alone if it throws.
            connection.transaction(() => this.#write(run, item))()
            outcomes.push({ ok: true, head: item.events[item.events.length - 1].seqNum })
          } catch (error) {
            outcomes.push({ ok: false, error })
          }
        }
      })()
    } catch (error) {
      // The commit itself failed: nothing of the group was written.
      outcomes.splice(0, outcomes.length, ...group.map(() => ({ ok: false as const, error })))
    } finally {
      knex.client.releaseConnection(connection)
    }
    group.forEach((item, index) => {
      const outcome = outcomes[index]
      if (outcome.ok) item.resolve(outcome.head)
      else item.reject(outcome.error)
    })
  }

  #write(run: SqlRunner, { store, events, projectable }: PendingAppend) {
    for (const event of events) {
      run(INSERT_EVENT, [
        store.storeId,
        event.seqNum,
        event.parentSeqNum,
        event.name,
        event.argsJson,
        event.clientId,
        event.sessionId,
        event.createdAt,
      ])
    }
    // Guarded by the old head, so a second process writing the same store fails loudly.
    const changes = run(ADVANCE_HEAD, [
      events[events.length - 1].seqNum,
      sqlTimestamp(events[events.length - 1].createdAt),
      store.storeId,
      store.head,
    ])
    if (changes !== 1) throw new HeadMovedError(store.storeId)
    this.#projection.apply(run, store.userId, projectable)
  }

  /* Prepared statements are cached per connection (a pool may replace the connection). */
  #runner(connection: BetterSqliteConnection) {
    let statements = this.#statements.get(connection)
    if (!statements) {
      statements = new Map()
      this.#statements.set(connection, statements)
    }
    const cache = statements
    return (sql: string, bindings: unknown[]) => {
      let statement = cache.get(sql)
      if (!statement) {
        statement = connection.prepare(sql)
        cache.set(sql, statement)
      }
      return statement.run(...bindings).changes
    }
  }
}

interface StoreRow {
  store_id: string
  user_id: string
  backend_id: string
  head: number
}

const FIND_STORE = 'SELECT store_id, user_id, backend_id, head FROM sync_stores WHERE store_id = ?'

function toStoreRecord(row: StoreRow): StoreRecord {
  return {
    storeId: row.store_id,
    userId: row.user_id,
    backendId: row.backend_id,
    head: Number(row.head),
  }
}

function toStoredEvent(row: EventRow): StoredSyncEvent {
  return {
    seqNum: Number(row.seq_num),
    parentSeqNum: Number(row.parent_seq_num),
    name: row.name,
    argsJson: row.args,
    clientId: row.client_id,
    sessionId: row.session_id,
    createdAt: row.created_at,
  }
}
