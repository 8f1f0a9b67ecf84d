import { Schema } from '@livestore/livestore'
import { ParseResult } from '@livestore/utils/effect'
import { CLIENT_EVENT_NAMES, SERVER_EVENT_NAMES, schema } from '#shared/livestore/schema'
import { SYNC_LIMITS } from '#sync/sync_limits'

type Decoded = { ok: true; argsJson: string; args: unknown } | { ok: false; reason: string }

interface Codec {
  decode: (input: unknown) => ReturnType<ReturnType<typeof Schema.decodeUnknownEither>>
  encode: (value: unknown) => unknown
}

const CLIENT_EVENTS = new Set<string>(CLIENT_EVENT_NAMES)
const SYNCED_EVENTS = new Set<string>([...CLIENT_EVENT_NAMES, ...SERVER_EVENT_NAMES])

/*
| Checks one event's args against the shared LiveStore schema. The args are
| decoded and encoded back, so what we store and forward is exactly what the
| schema describes (unknown properties are dropped) and what every client's
| materializer can apply.
*/
export class SyncEventCodec {
  #codecs = new Map<string, Codec>()

  isClientEvent(name: string) {
    return CLIENT_EVENTS.has(name)
  }

  isSyncedEvent(name: string) {
    return SYNCED_EVENTS.has(name)
  }

  decode(name: string, args: unknown, origin: 'client' | 'server'): Decoded {
    if (origin === 'client' && !CLIENT_EVENTS.has(name)) {
      return { ok: false, reason: `event "${truncate(name)}" may not be sent by a client` }
    }
    if (!SYNCED_EVENTS.has(name)) {
      return { ok: false, reason: `unknown event "${truncate(name)}"` }
    }

    if (origin === 'client') {
      const size = Buffer.byteLength(JSON.stringify(args ?? null))
      if (size > SYNC_LIMITS.maxClientEventArgsBytes) {
        return {
          ok: false,
          reason: `event "${name}" args are ${size} bytes (limit ${SYNC_LIMITS.maxClientEventArgsBytes})`,
        }
      }
    }

    const codec = this.#codec(name)
    const decoded = codec.decode(args)
    if (decoded._tag === 'Left') {
      return {
        ok: false,
        reason: `invalid args for "${name}": ${ParseResult.TreeFormatter.formatErrorSync(decoded.left)}`,
      }
    }
    const encoded = codec.encode(decoded.right)
    return { ok: true, args: decoded.right, argsJson: JSON.stringify(encoded) }
  }

  #codec(name: string): Codec {
    let codec = this.#codecs.get(name)
    if (!codec) {
      const eventDef = schema.eventsDefsMap.get(name)
      if (!eventDef) throw new Error(`No event definition for ${name}`)
      const eventSchema = eventDef.schema as Schema.Schema<unknown, unknown>
      codec = {
        decode: Schema.decodeUnknownEither(eventSchema, { errors: 'first' }),
        encode: Schema.encodeSync(eventSchema),
      }
      this.#codecs.set(name, codec)
    }
    return codec
  }
}

function truncate(value: string) {
  return value.length > 80 ? `${value.slice(0, 80)}…` : value
}
