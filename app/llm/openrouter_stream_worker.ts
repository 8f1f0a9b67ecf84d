import { parentPort } from 'node:worker_threads'
import type { ClientRequest, IncomingMessage } from 'node:http'
import {
  isEventStream,
  newChunkState,
  providerRequest,
  readEventStream,
} from '#llm/openrouter_chunks'
import { WorkerOp, type ToWorker } from '#llm/openrouter_stream_protocol'

/*
| The provider-stream worker: sends streaming answers' requests and reads
| their event streams off the event loop (see openrouter_stream_pool.ts for
| why and when). Everything it learns goes back as one flat array per turn
| of its own loop (WorkerOp records), however many streams spoke in it.
| It never logs: requests carry the user's key.
*/

const port = parentPort!

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
  const request = providerRequest(new URL(url), headers)
  const stream: Stream = { request, response: null, closed: false }
  streams.set(id, stream)
  request.once('response', (response) => {
    stream.response = response
    if (stream.closed) return void response.destroy()
    if (isEventStream(response)) readEvents(id, stream, response)
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
  readEventStream(
    response,
    state,
    (text) => {
      if (!stream.closed) push(WorkerOp.Text, id, text)
    },
    () => {
      streams.delete(id)
      if (!stream.closed) push(WorkerOp.End, id, state)
    }
  )
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
