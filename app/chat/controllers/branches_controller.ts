import { inject } from '@adonisjs/core'
import type { HttpContext } from '@adonisjs/core/http'
import BranchService from '#chat/services/branch_service'
import { branchValidator } from '#chat/validators/branch_validator'

/* "Branch into a new chat". JSON only; the copy reaches devices through sync. */
@inject()
export default class BranchesController {
  constructor(protected branches: BranchService) {}

  /* POST /api/chats/:chatId/messages/:messageId/branch { newChatId } */
  async store({ auth, params, request, response }: HttpContext) {
    const payload = await branchValidator.validate({
      newChatId: request.input('newChatId'),
      chatId: params.chatId,
      messageId: params.messageId,
    })
    const user = auth.getUserOrFail()
    const result = await this.branches.branch(user.id, payload)
    return result.created ? response.created({ data: result }) : response.ok({ data: result })
  }
}
