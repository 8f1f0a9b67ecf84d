/*
| For the sync benches: a frame-level client of /livestore-sync (the `ws`
| package, no LiveStore) and the events it pushes.
*/
import { randomUUID } from 'node:crypto'
import { WebSocket as WsWebSocket, type RawData } from 'ws'

export interface BenchUser {
  id: string
  storeId: string
  /* The session cookie and the app's Origin, as a browser sends them on the upgrade. */
  headers: Record<string, string>
}

export interface PendingEvent {
  name: string
  args: unknown
}

export function chatCreated(): PendingEvent {
  return {
    name: 'v1.ChatCreated',
    args: {
      id: randomUUID(),
      title: 'Benchmark chat',
      model: 'openai/gpt-4o',
      createdAt: Date.now(),
    },
  }
}

/*
| A user's history: `chats` chats of `messagesPerChat` messages each (one
| branch), as the chat UI writes them.
*/
export function chatHistory(chats: number, messagesPerChat: number): PendingEvent[] {
  const all: PendingEvent[] = []
  for (let chat = 0; chat < chats; chat++) {
    const chatId = randomUUID()
    all.push({
      name: 'v1.ChatCreated',
      args: { id: chatId, title: `Chat ${chat}`, model: 'openai/gpt-4o', createdAt: Date.now() },
    })
    let parentId: string | null = null
    for (let message = 0; message < messagesPerChat; message++) {
      const id = randomUUID()
      all.push({
        name: 'v1.UserMessageSent',
        args: {
          id,
          chatId,
          parentId,
          text: `Message ${message} of chat ${chat}: ${'lorem ipsum dolor sit amet '.repeat(4)}`,
          createdAt: Date.now(),
        },
      })
      parentId = id
    }
  }
  return all
}

/* A frame-level sync client (the `ws` package): pushes, one live pull, nothing else. */
export class RawClient {
  #nextId = 0
  #exits = new Map<string, (frame: any) => void>()
  #pullId: string | null = null
  #onChunk: ((frame: any) => void) | null = null
  #seqWaiters = new Map<number, () => void>()
  #lastSeq = 0

  private constructor(
    readonly ws: WsWebSocket,
    readonly user: BenchUser
  ) {
    ws.on('message', (data: RawData) => this.#onMessage(JSON.parse(data.toString())))
  }

  static async connect(url: string, user: BenchUser) {
    const ws = new WsWebSocket(`${url}?storeId=${encodeURIComponent(user.storeId)}&transport=ws`, {
      headers: user.headers,
      perMessageDeflate: false,
    })
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve())
      ws.once('error', reject)
      ws.once('unexpected-response', (_req, res) =>
        reject(new Error(`upgrade refused: ${res.statusCode}`))
      )
    })
    return new RawClient(ws, user)
  }

  #onMessage(frame: any) {
    if (frame._tag === 'Exit') {
      const resolve = this.#exits.get(frame.requestId)
      this.#exits.delete(frame.requestId)
      resolve?.(frame)
    } else if (frame._tag === 'Chunk' && frame.requestId === this.#pullId) {
      this.#onChunk?.(frame)
      for (const item of frame.values[0].batch) {
        const seq = item.eventEncoded.seqNum
        this.#lastSeq = Math.max(this.#lastSeq, seq)
        const waiter = this.#seqWaiters.get(seq)
        if (waiter) {
          this.#seqWaiters.delete(seq)
          waiter()
        }
      }
    }
  }

  #send(frame: unknown) {
    this.ws.send(JSON.stringify(frame))
  }

  /* Opens a live pull from the start; resolves with the head once the catch-up says NoMore. */
  openLivePull(): Promise<number> {
    const id = String(this.#nextId++)
    this.#pullId = id
    return new Promise((resolve) => {
      this.#onChunk = (frame) => {
        if (frame.values[0].pageInfo._tag === 'NoMore') {
          this.#onChunk = null
          const batch = frame.values[0].batch
          resolve(batch.length > 0 ? batch[batch.length - 1].eventEncoded.seqNum : this.#lastSeq)
        }
      }
      this.#send({
        _tag: 'Request',
        id,
        tag: 'SyncWsRpc.Pull',
        payload: { storeId: this.user.storeId, live: true, cursor: { _tag: 'None' } },
        headers: [],
      })
    })
  }

  /* A non-live pull from the start; resolves with the number of events once it ends. */
  catchUp(): Promise<number> {
    const id = String(this.#nextId++)
    this.#pullId = id
    let count = 0
    return new Promise((resolve) => {
      this.#onChunk = (frame) => {
        count += frame.values[0].batch.length
      }
      this.#exits.set(id, () => resolve(count))
      this.#send({
        _tag: 'Request',
        id,
        tag: 'SyncWsRpc.Pull',
        payload: { storeId: this.user.storeId, live: false, cursor: { _tag: 'None' } },
        headers: [],
      })
    })
  }

  waitForSeq(seq: number): Promise<void> {
    if (seq <= this.#lastSeq) return Promise.resolve()
    return new Promise((resolve) => this.#seqWaiters.set(seq, resolve))
  }

  push(events: PendingEvent[], head: number): Promise<any> {
    const id = String(this.#nextId++)
    const frame = {
      _tag: 'Request',
      id,
      tag: 'SyncWsRpc.Push',
      payload: {
        storeId: this.user.storeId,
        batch: events.map((event, index) => ({
          ...event,
          seqNum: head + index + 1,
          parentSeqNum: head + index,
          clientId: 'bench',
          sessionId: 'bench',
        })),
        backendId: { _tag: 'None' },
      },
      headers: [],
    }
    return new Promise((resolve) => {
      this.#exits.set(id, resolve)
      this.#send(frame)
    })
  }

  /* Pushes `events` after `head` in batches of 100 (the most a push may hold). */
  async pushAll(events: PendingEvent[], head: number) {
    for (let index = 0; index < events.length; index += 100) {
      const batch = events.slice(index, index + 100)
      const exit = await this.push(batch, head)
      if (exit.exit._tag !== 'Success') throw new Error(`push refused: ${JSON.stringify(exit)}`)
      head += batch.length
    }
    return head
  }

  close() {
    if (this.ws.readyState === this.ws.OPEN || this.ws.readyState === this.ws.CONNECTING)
      this.ws.terminate()
  }
}
