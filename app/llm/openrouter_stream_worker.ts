import { parentPort } from 'node:worker_threads'
import {
  request as httpRequest,
  Agent as HttpAgent,
  type ClientRequest,
  type IncomingMessage,
} from 'node:http'
import { request as httpsRequest, Agent as HttpsAgent } from 'node:https'
import { createParser } from 'eventsource-parser'
import { newChunkState, readChunkData } from '#llm/openrouter_chunks'
import { WorkerOp, type ToWorker } from '#llm/openrouter_stream_protocol'

/*
| The provider-stream worker: sends streaming answers' requests and reads
| their event streams off the event loop (see openrouter_stream_pool.ts for
| why and when). Everything it learns goes back as one flat array per turn
| of its own loop (WorkerOp records), however many streams spoke in it.
| It never logs: requests carry the user's key.
*/

const port = parentPort!

const agents = {
  http: new HttpAgent({ keepAlive: true, maxSockets: Infinity }),
  https: new HttpsAgent({ keepAlive: true, maxSockets: Infinity }),
}

interface Stream {
  request: ClientRequest
  response: IncomingMessage | null
  closed: boolean
}

const streams = new Map<number, Stream>()

let batch: unknown[] = []
let flushScheduled = false
const flush = () => {
  flushScheduled = false
  const records = batch
  batch = []
  port.postMessage(records)
}
const push = (...record: unknown[]) => {
  for (const item of record) batch.push(item)
  if (!flushScheduled) {
    flushScheduled = true
    // After this poll phase: every stream that spoke in it joins the same message.
    setImmediate(flush)
  }
}

function open(id: number, url: string, headers: Record<string, string>, body: string) {
  const target = new URL(url)
  const secure = target.protocol === 'https:'
  const request = (secure ? httpsRequest : httpRequest)(target, {
    method: 'POST',
    headers,
    agent: secure ? agents.https : agents.http,
  })
  const stream: Stream = { request, response: null, closed: false }
  streams.set(id, stream)
  request.once('response', (response) => {
    stream.response = response
    if (stream.closed) return void response.destroy()
    const status = response.statusCode ?? 0
    const eventStream = /^text\/event-stream\b/i.test(response.headers['content-type'] ?? '')
    if (status >= 200 && status < 300 && eventStream) readEvents(id, stream, response)
    else readWhole(id, stream, response)
  })
  request.once('error', (error: Error & { code?: string }) => {
    if (stream.response || stream.closed) return
    streams.delete(id)
    push(WorkerOp.Failed, id, error.code ?? null, error.message)
  })
  request.end(body)
}

function readEvents(id: number, stream: Stream, response: IncomingMessage) {
  push(
    WorkerOp.Head,
    id,
    response.statusCode ?? 0,
    response.statusMessage ?? '',
    response.rawHeaders
  )
  const state = newChunkState()
  let ended = false
  const end = (cut: boolean) => {
    if (ended) return
    ended = true
    streams.delete(id)
    if (stream.closed) return
    if (cut) {
      state.finishReason = 'error'
      state.failure = { kind: 'cut' }
    }
    push(WorkerOp.End, id, state)
  }
  const parser = createParser({
    onEvent: (event) => {
      if (ended || stream.closed) return
      const text = readChunkData(event.data, state)
      if (text) push(WorkerOp.Text, id, text)
    },
  })
  response.setEncoding('utf8')
  response.on('data', (chunk: string) => {
    if (!ended && !stream.closed) parser.feed(chunk)
  })
  response.once('end', () => end(false))
  response.once('close', () => end(!response.complete))
  response.once('error', () => {
    // 'close' follows and tells a cut from an end.
  })
}

function readWhole(id: number, stream: Stream, response: IncomingMessage) {
  const chunks: Buffer[] = []
  response.on('data', (chunk: Buffer) => chunks.push(chunk))
  response.once('end', () => {
    streams.delete(id)
    if (stream.closed) return
    const whole = Buffer.concat(chunks)
    push(
      WorkerOp.Whole,
      id,
      response.statusCode ?? 0,
      response.statusMessage ?? '',
      response.rawHeaders,
      new Uint8Array(whole.buffer, whole.byteOffset, whole.byteLength)
    )
  })
  response.once('close', () => {
    if (response.complete || stream.closed || !streams.has(id)) return
    streams.delete(id)
    push(WorkerOp.Cut, id)
  })
  response.once('error', () => {})
}

function close(id: number) {
  const stream = streams.get(id)
  if (!stream) return
  streams.delete(id)
  stream.closed = true
  if (stream.response) stream.response.destroy()
  else stream.request.destroy()
}

port.on('message', (message: ToWorker) => {
  if (message.op === 'open') open(message.id, message.url, message.headers, message.body)
  else if (message.op === 'close') close(message.id)
})

// Loaded: the transport sends calls from now on.
port.postMessage('ready')
