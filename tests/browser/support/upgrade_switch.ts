import type { IncomingMessage } from 'node:http'
import type { Duplex } from 'node:stream'
import app from '@adonisjs/core/services/app'

type UpgradeListener = (req: IncomingMessage, socket: Duplex, head: Buffer) => void

/*
| Takes WebSocket endpoints of the running test server off the network and
| puts them back. While blocked, an upgrade to one of `paths` is cut (the
| browser sees a server it cannot reach); every other upgrade goes to the
| server's own listeners as usual. Open sockets are not touched: the test
| closes them through the endpoint's own server if it needs to.
*/
export async function upgradeSwitch(paths: string[]) {
  const server = await app.container.make('server')
  const nodeServer = server.getNodeServer()!
  let saved: UpgradeListener[] | null = null
  const filter: UpgradeListener = (req, socket, head) => {
    const path = (req.url ?? '/').split('?')[0]
    if (paths.includes(path)) {
      socket.destroy()
      return
    }
    for (const listener of saved ?? []) listener.call(nodeServer, req, socket, head)
  }
  return {
    block() {
      if (saved) return
      saved = nodeServer.listeners('upgrade') as UpgradeListener[]
      nodeServer.removeAllListeners('upgrade')
      nodeServer.on('upgrade', filter)
    },
    unblock() {
      if (!saved) return
      nodeServer.removeListener('upgrade', filter)
      for (const listener of saved) nodeServer.on('upgrade', listener)
      saved = null
    },
  }
}
