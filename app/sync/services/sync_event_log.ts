import { randomUUID } from 'node:crypto'
import db from '@adonisjs/lucid/services/db'
import type { StoredSyncEvent } from '#sync/sync_types'
import { SyncProjection, sqlTimestamp, type ProjectableEvent } from '#sync/services/sync_projection'

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

/*
| The event log tables (sync_stores, sync_events) on the main connection.
| Appending writes the events, advances the head and projects into
| chats/messages in one transaction: either all of it happens or none.
*/
export class SyncEventLog {
  #projection = new SyncProjection()

  /* The store's row, created on first use with its permanent backendId. */
  async openStore(storeId: string, userId: string): Promise<StoreRecord> {
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
    return {
      storeId: row.store_id,
      userId: row.user_id,
      backendId: row.backend_id,
      head: Number(row.head),
    }
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

  async append(
    store: { storeId: string; userId: string; head: number },
    events: StoredSyncEvent[],
    projectable: ProjectableEvent[]
  ) {
    const newHead = events[events.length - 1].seqNum
    await db.transaction(async (trx) => {
      await trx
        .insertQuery()
        .table('sync_events')
        .multiInsert(
          events.map((event) => ({
            store_id: store.storeId,
            seq_num: event.seqNum,
            parent_seq_num: event.parentSeqNum,
            name: event.name,
            args: event.argsJson,
            client_id: event.clientId,
            session_id: event.sessionId,
            created_at: event.createdAt,
          }))
        )
      // Guarded by the old head, so a second process writing the same store fails loudly.
      const updated = await trx
        .from('sync_stores')
        .where('store_id', store.storeId)
        .where('head', store.head)
        .update({ head: newHead, updated_at: sqlTimestamp(events[events.length - 1].createdAt) })
      if (Number(Array.isArray(updated) ? updated[0] : updated) !== 1) {
        throw new HeadMovedError(store.storeId)
      }
      await this.#projection.apply(trx, store.userId, projectable)
    })
    return newHead
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
