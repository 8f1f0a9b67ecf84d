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

router.on('/').renderInertia('landing', {}).as('landing')

router
  .group(() => {
    router.on('/chat').renderInertia('chat/index', {}).as('chat.index')
  })
  .use(middleware.auth())
