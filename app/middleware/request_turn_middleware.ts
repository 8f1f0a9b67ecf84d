import type { HttpContext } from '@adonisjs/core/http'
import type { NextFn } from '@adonisjs/core/types/http'
import { TurnGate } from '#core/turn_gate'

/* Requests started per turn of the event loop: 16, or fewer once 10 ms went by in the turn. */
const requests = new TurnGate(16, 10)

/*
| First of the server middleware: under a burst of requests (a thousand
| replies at once), at most 16 are handled per turn of the event loop (fewer
| once 10 ms of the turn went by) and the rest in the turns after, in
| arrival order, so timers, sockets and the answers already streaming get
| the loop between them. Without a burst a request goes straight on (no
| await, no added latency).
*/
export default class RequestTurnMiddleware {
  handle(_ctx: HttpContext, next: NextFn) {
    const turn = requests.enter()
    return turn === null ? next() : turn.then(() => next())
  }
}
