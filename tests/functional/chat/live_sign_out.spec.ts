import { test } from '@japa/runner'
import { WebSocket } from 'ws'
import env from '#start/env'
import { LIVE_SIGNED_OUT } from '#chat/services/live_socket_server'
import { signOut } from '#tests/helpers/sign_in'
import { chatUser, liveUrl, openLive } from '#tests/functional/chat/chat_helpers'

/* The close code a /live socket ends with. */
function closed(socket: WebSocket): Promise<number> {
  if (socket.readyState === WebSocket.CLOSED) return Promise.resolve(-1)
  return new Promise((resolve) => socket.once('close', (code) => resolve(code)))
}

/* The HTTP status a /live upgrade is answered with (101 when it opens). */
function upgradeStatus(headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(liveUrl(), { headers })
    socket.once('open', () => {
      socket.terminate()
      resolve(101)
    })
    socket.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0)
      socket.terminate()
    })
    socket.once('error', reject)
  })
}

test.group('/live after sign-out', () => {
  test("signing out closes that session's /live sockets and its cookie opens no new one", async ({
    assert,
  }) => {
    const user = await chatUser('live-leaving')
    const other = await chatUser('live-staying')
    const tab = await openLive(user)
    const secondTab = await openLive(user)
    const unrelated = await openLive(other)
    const codes = Promise.all([closed(tab.socket), closed(secondTab.socket)])

    await signOut(user.session)
    assert.deepEqual(await codes, [LIVE_SIGNED_OUT, LIVE_SIGNED_OUT])
    const origin = new URL(env.get('APP_URL')).origin
    assert.equal(await upgradeStatus({ ...user.session.headers('/live'), origin }), 401)

    /* Another session's socket stays open and answers. */
    assert.equal(unrelated.socket.readyState, WebSocket.OPEN)
    unrelated.send({ type: 'subscribe', messageId: crypto.randomUUID() })
    const answer = await unrelated.next((frame) => frame.type === 'error')
    assert.equal(answer.code, 'not_found')
    unrelated.close()
  })
})
