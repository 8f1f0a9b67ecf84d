/* eslint-disable prettier/prettier */
import type { AdonisEndpoint } from '@tuyau/core/types'
import type { Registry } from './schema.d.ts'
import type { ApiDefinition } from './tree.d.ts'

const placeholder: any = {}

const routes = {
  'landing': {
    methods: ["GET","HEAD"],
    pattern: '/',
    tokens: [{"old":"/","type":0,"val":"/","end":""}],
    types: placeholder as Registry['landing']['types'],
  },
  'auth.sign_in': {
    methods: ["GET","HEAD"],
    pattern: '/sign-in',
    tokens: [{"old":"/sign-in","type":0,"val":"sign-in","end":""}],
    types: placeholder as Registry['auth.sign_in']['types'],
  },
  'auth.sign_in_callback': {
    methods: ["GET","HEAD"],
    pattern: '/sign-in/callback',
    tokens: [{"old":"/sign-in/callback","type":0,"val":"sign-in","end":""},{"old":"/sign-in/callback","type":0,"val":"callback","end":""}],
    types: placeholder as Registry['auth.sign_in_callback']['types'],
  },
  'auth.sign_out': {
    methods: ["POST"],
    pattern: '/sign-out',
    tokens: [{"old":"/sign-out","type":0,"val":"sign-out","end":""}],
    types: placeholder as Registry['auth.sign_out']['types'],
  },
  'api.session': {
    methods: ["GET","HEAD"],
    pattern: '/api/session',
    tokens: [{"old":"/api/session","type":0,"val":"api","end":""},{"old":"/api/session","type":0,"val":"session","end":""}],
    types: placeholder as Registry['api.session']['types'],
  },
  'auth.dev_sign_in': {
    methods: ["GET","HEAD"],
    pattern: '/dev-sign-in/:uid',
    tokens: [{"old":"/dev-sign-in/:uid","type":0,"val":"dev-sign-in","end":""},{"old":"/dev-sign-in/:uid","type":1,"val":"uid","end":""}],
    types: placeholder as Registry['auth.dev_sign_in']['types'],
  },
  'auth.dev_sign_in.store': {
    methods: ["POST"],
    pattern: '/dev-sign-in/:uid',
    tokens: [{"old":"/dev-sign-in/:uid","type":0,"val":"dev-sign-in","end":""},{"old":"/dev-sign-in/:uid","type":1,"val":"uid","end":""}],
    types: placeholder as Registry['auth.dev_sign_in.store']['types'],
  },
  'chat.index': {
    methods: ["GET","HEAD"],
    pattern: '/chat',
    tokens: [{"old":"/chat","type":0,"val":"chat","end":""}],
    types: placeholder as Registry['chat.index']['types'],
  },
  'chat.show': {
    methods: ["GET","HEAD"],
    pattern: '/chat/:id',
    tokens: [{"old":"/chat/:id","type":0,"val":"chat","end":""},{"old":"/chat/:id","type":1,"val":"id","end":""}],
    types: placeholder as Registry['chat.show']['types'],
  },
  'settings.keys': {
    methods: ["GET","HEAD"],
    pattern: '/settings/keys',
    tokens: [{"old":"/settings/keys","type":0,"val":"settings","end":""},{"old":"/settings/keys","type":0,"val":"keys","end":""}],
    types: placeholder as Registry['settings.keys']['types'],
  },
  'api.models.index': {
    methods: ["GET","HEAD"],
    pattern: '/api/models',
    tokens: [{"old":"/api/models","type":0,"val":"api","end":""},{"old":"/api/models","type":0,"val":"models","end":""}],
    types: placeholder as Registry['api.models.index']['types'],
  },
  'api.keys.index': {
    methods: ["GET","HEAD"],
    pattern: '/api/keys',
    tokens: [{"old":"/api/keys","type":0,"val":"api","end":""},{"old":"/api/keys","type":0,"val":"keys","end":""}],
    types: placeholder as Registry['api.keys.index']['types'],
  },
  'api.keys.update': {
    methods: ["PUT"],
    pattern: '/api/keys/:provider',
    tokens: [{"old":"/api/keys/:provider","type":0,"val":"api","end":""},{"old":"/api/keys/:provider","type":0,"val":"keys","end":""},{"old":"/api/keys/:provider","type":1,"val":"provider","end":""}],
    types: placeholder as Registry['api.keys.update']['types'],
  },
  'api.keys.destroy': {
    methods: ["DELETE"],
    pattern: '/api/keys/:provider',
    tokens: [{"old":"/api/keys/:provider","type":0,"val":"api","end":""},{"old":"/api/keys/:provider","type":0,"val":"keys","end":""},{"old":"/api/keys/:provider","type":1,"val":"provider","end":""}],
    types: placeholder as Registry['api.keys.destroy']['types'],
  },
  'api.chats.reply': {
    methods: ["POST"],
    pattern: '/api/chats/:chatId/messages/:messageId/reply',
    tokens: [{"old":"/api/chats/:chatId/messages/:messageId/reply","type":0,"val":"api","end":""},{"old":"/api/chats/:chatId/messages/:messageId/reply","type":0,"val":"chats","end":""},{"old":"/api/chats/:chatId/messages/:messageId/reply","type":1,"val":"chatId","end":""},{"old":"/api/chats/:chatId/messages/:messageId/reply","type":0,"val":"messages","end":""},{"old":"/api/chats/:chatId/messages/:messageId/reply","type":1,"val":"messageId","end":""},{"old":"/api/chats/:chatId/messages/:messageId/reply","type":0,"val":"reply","end":""}],
    types: placeholder as Registry['api.chats.reply']['types'],
  },
  'api.chats.stop': {
    methods: ["POST"],
    pattern: '/api/chats/:chatId/messages/:messageId/stop',
    tokens: [{"old":"/api/chats/:chatId/messages/:messageId/stop","type":0,"val":"api","end":""},{"old":"/api/chats/:chatId/messages/:messageId/stop","type":0,"val":"chats","end":""},{"old":"/api/chats/:chatId/messages/:messageId/stop","type":1,"val":"chatId","end":""},{"old":"/api/chats/:chatId/messages/:messageId/stop","type":0,"val":"messages","end":""},{"old":"/api/chats/:chatId/messages/:messageId/stop","type":1,"val":"messageId","end":""},{"old":"/api/chats/:chatId/messages/:messageId/stop","type":0,"val":"stop","end":""}],
    types: placeholder as Registry['api.chats.stop']['types'],
  },
  'api.chats.branch': {
    methods: ["POST"],
    pattern: '/api/chats/:chatId/messages/:messageId/branch',
    tokens: [{"old":"/api/chats/:chatId/messages/:messageId/branch","type":0,"val":"api","end":""},{"old":"/api/chats/:chatId/messages/:messageId/branch","type":0,"val":"chats","end":""},{"old":"/api/chats/:chatId/messages/:messageId/branch","type":1,"val":"chatId","end":""},{"old":"/api/chats/:chatId/messages/:messageId/branch","type":0,"val":"messages","end":""},{"old":"/api/chats/:chatId/messages/:messageId/branch","type":1,"val":"messageId","end":""},{"old":"/api/chats/:chatId/messages/:messageId/branch","type":0,"val":"branch","end":""}],
    types: placeholder as Registry['api.chats.branch']['types'],
  },
} as const satisfies Record<string, AdonisEndpoint>

export { routes }

export const registry = {
  routes,
  $tree: {} as ApiDefinition,
}

declare module '@tuyau/core/types' {
  export interface UserRegistry {
    routes: typeof routes
    $tree: ApiDefinition
  }
}
