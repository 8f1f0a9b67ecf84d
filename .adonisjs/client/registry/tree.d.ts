/* eslint-disable prettier/prettier */
import type { routes } from './index.ts'

export interface ApiDefinition {
  landing: typeof routes['landing']
  auth: {
    signIn: typeof routes['auth.sign_in']
    signInCallback: typeof routes['auth.sign_in_callback']
    signOut: typeof routes['auth.sign_out']
    devSignIn: typeof routes['auth.dev_sign_in'] & {
      store: typeof routes['auth.dev_sign_in.store']
    }
  }
  api: {
    session: typeof routes['api.session']
    models: {
      index: typeof routes['api.models.index']
    }
    keys: {
      index: typeof routes['api.keys.index']
      update: typeof routes['api.keys.update']
      destroy: typeof routes['api.keys.destroy']
    }
    chats: {
      reply: typeof routes['api.chats.reply']
      stop: typeof routes['api.chats.stop']
      branch: typeof routes['api.chats.branch']
    }
  }
  chat: {
    index: typeof routes['chat.index']
    show: typeof routes['chat.show']
  }
  settings: {
    keys: typeof routes['settings.keys']
  }
}
