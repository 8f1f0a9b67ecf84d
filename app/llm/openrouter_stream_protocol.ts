/*
| Messages between the event loop and the provider-stream worker
| (openrouter_stream_pool.ts <-> openrouter_stream_worker.ts).
|
| To the worker, one message per call: open a request, or close one.
| From the worker, one flat array per turn of its loop, records back to back:
|   Head, id, status, statusText, rawHeaders    a 2xx event stream began
|   Text, id, text                              one text delta
|   End, id, ChunkState                         the stream ended (state.failure says how)
|   Whole, id, status, statusText, rawHeaders, body   any other answer, read whole
|   Cut, id                                     that answer's connection closed mid-body
|   Failed, id, code, message                   the request failed before any answer
*/
export const WorkerOp = {
  Head: 1,
  Text: 2,
  End: 3,
  Whole: 4,
  Cut: 5,
  Failed: 6,
} as const

export type ToWorker =
  | { op: 'open'; id: number; url: string; headers: Record<string, string>; body: string }
  | { op: 'close'; id: number }
