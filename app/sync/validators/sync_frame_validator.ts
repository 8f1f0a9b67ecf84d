import vine from '@vinejs/vine'

/* Effect RPC request ids are bigints sent as decimal strings. */
const REQUEST_ID = /^\d{1,20}$/

/*
| The outer shape of a frame from a sync client (Effect RPC's
| FromClientEncoded). The payload of a Request is then decoded with
| LiveStore's own schemas (#sync/services/sync_wire) and each event's args with
| the shared LiveStore schema.
*/
export const syncFrameValidator = vine.create(
  vine
    .object({
      _tag: vine.enum(['Request', 'Ack', 'Interrupt', 'Ping', 'Eof'] as const),
      id: vine.string().regex(REQUEST_ID).optional().requiredWhen('_tag', '=', 'Request'),
      tag: vine.string().maxLength(64).optional().requiredWhen('_tag', '=', 'Request'),
      payload: vine.any().optional(),
      requestId: vine
        .string()
        .regex(REQUEST_ID)
        .optional()
        .requiredWhen('_tag', 'in', ['Ack', 'Interrupt']),
    })
    // headers, traceId, spanId, sampled: tracing fields we do not use.
    .allowUnknownProperties()
)
