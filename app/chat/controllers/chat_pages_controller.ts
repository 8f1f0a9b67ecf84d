import { inject } from '@adonisjs/core'
import type { HttpContext } from '@adonisjs/core/http'
import DefaultModelService from '#catalog/services/default_model_service'

/*
| /chat (a new chat) and /chat/:id: one page. The chats themselves live in
| the browser's LiveStore, so the server only checks the id's shape (the
| route takes a UUID) and says which model a new chat starts with.
*/
@inject()
export default class ChatPagesController {
  constructor(protected defaults: DefaultModelService) {}

  async show({ inertia, params, auth }: HttpContext) {
    const defaultModelId = await this.defaults.forUser(auth.getUserOrFail())
    return inertia.render('chat/index', {
      chatId: params.id as string | undefined,
      defaultModelId,
    })
  }
}
