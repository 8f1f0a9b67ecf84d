/*
|--------------------------------------------------------------------------
| Routes
|--------------------------------------------------------------------------
|
| Each feature keeps its routes here, grouped; controllers live in their
| feature folder under app/.
|
*/

import { middleware } from '#start/kernel'
import router from '@adonisjs/core/services/router'
import { signInThrottle } from '#auth/limiters'
import { devProviderEnabled } from '#auth/logto_settings'

router.on('/').renderInertia('landing', {}).as('landing')

/*
| Sign-in with Logto (or, in development and tests, the development OpenID
| Connect provider this process mounts at /oidc). Sign-in and its callback
| are rate limited per IP; sign-out is a CSRF-checked POST.
*/
const SignInController = () => import('#auth/controllers/sign_in_controller')
const SignOutController = () => import('#auth/controllers/sign_out_controller')
const DevSignInController = () => import('#auth/controllers/dev_sign_in_controller')
const SessionController = () => import('#auth/controllers/session_controller')

router.group(() => {
  router.get('/sign-in', [SignInController, 'show']).as('auth.sign_in').use(signInThrottle)
  router
    .get('/sign-in/callback', [SignInController, 'callback'])
    .as('auth.sign_in_callback')
    .use(signInThrottle)
  router.post('/sign-out', [SignOutController, 'handle']).as('auth.sign_out')
  /* Whether the session still holds (the chat pages ask when a socket is refused). */
  router.get('/api/session', [SessionController, 'show']).as('api.session')

  if (devProviderEnabled()) {
    router.get('/dev-sign-in/:uid', [DevSignInController, 'show']).as('auth.dev_sign_in')
    router.post('/dev-sign-in/:uid', [DevSignInController, 'store']).as('auth.dev_sign_in.store')
  }
})

const ChatPagesController = () => import('#chat/controllers/chat_pages_controller')

router
  .group(() => {
    router.get('/chat', [ChatPagesController, 'show']).as('chat.index')
    /*
    | The same page: the chat itself lives in the browser's LiveStore, so the server only checks
    | the id's shape (a client-generated UUID); anything else is a 404.
    */
    router
      .get('/chat/:id', [ChatPagesController, 'show'])
      .where('id', router.matchers.uuid())
      .as('chat.show')
  })
  .use(middleware.auth())

/*
| Model catalog and bring-your-own-key. Keys are only ever reached through
| the signed-in user's id; the API answers JSON only.
*/
const ModelsController = () => import('#catalog/controllers/models_controller')
const ApiKeysController = () => import('#keys/controllers/api_keys_controller')

router
  .group(() => {
    router.get('/settings/keys', [ApiKeysController, 'page']).as('settings.keys')
    router.get('/api/models', [ModelsController, 'index']).as('api.models.index')
    router.get('/api/keys', [ApiKeysController, 'index']).as('api.keys.index')
    router.put('/api/keys/:provider', [ApiKeysController, 'update']).as('api.keys.update')
    router.delete('/api/keys/:provider', [ApiKeysController, 'destroy']).as('api.keys.destroy')
  })
  .use(middleware.auth())

/*
| Answers: the reply starts a generation detached from the request (202),
| stop ends it. Tokens go out on the /live WebSocket (app/chat), durable
| state through LiveStore sync.
*/
const RepliesController = () => import('#chat/controllers/replies_controller')
const BranchesController = () => import('#chat/controllers/branches_controller')

router
  .group(() => {
    router
      .post('/api/chats/:chatId/messages/:messageId/reply', [RepliesController, 'store'])
      .as('api.chats.reply')
    router
      .post('/api/chats/:chatId/messages/:messageId/stop', [RepliesController, 'stop'])
      .as('api.chats.stop')
    router
      .post('/api/chats/:chatId/messages/:messageId/branch', [BranchesController, 'store'])
      .as('api.chats.branch')
  })
  .use(middleware.auth())
