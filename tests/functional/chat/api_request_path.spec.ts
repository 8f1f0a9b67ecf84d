import { test } from '@japa/runner'
import { chatUser } from '#tests/functional/chat/chat_helpers'
import { inertiaPage } from '#tests/helpers/browser_session'

/*
| The JSON API's request path builds no Edge renderer unless something
| renders (app/middleware/container_bindings_middleware.ts defers
| `ctx.view` under /api/): a page still renders there when one is asked for.
*/
test.group('API request path', () => {
  test('an /api/ address asked for as a page still gets the 404 page', async ({ assert }) => {
    const alice = await chatUser('api-page')
    const response = await alice.session.get('/api/no-such-endpoint', {
      headers: { accept: 'text/html' },
    })
    assert.equal(response.status, 404)
    assert.equal(inertiaPage(await response.text()).component, 'errors/not_found')
  })
})
