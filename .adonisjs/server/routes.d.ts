import '@adonisjs/core/types/http'

type ParamValue = string | number | bigint | boolean

export type ScannedRoutes = {
  ALL: {
    'landing': { paramsTuple?: []; params?: {} }
    'auth.sign_in': { paramsTuple?: []; params?: {} }
    'auth.sign_in_callback': { paramsTuple?: []; params?: {} }
    'auth.sign_out': { paramsTuple?: []; params?: {} }
    'api.session': { paramsTuple?: []; params?: {} }
    'auth.dev_sign_in': { paramsTuple: [ParamValue]; params: {'uid': ParamValue} }
    'auth.dev_sign_in.store': { paramsTuple: [ParamValue]; params: {'uid': ParamValue} }
    'chat.index': { paramsTuple?: []; params?: {} }
    'chat.show': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'settings.keys': { paramsTuple?: []; params?: {} }
    'api.models.index': { paramsTuple?: []; params?: {} }
    'api.keys.index': { paramsTuple?: []; params?: {} }
    'api.keys.update': { paramsTuple: [ParamValue]; params: {'provider': ParamValue} }
    'api.keys.destroy': { paramsTuple: [ParamValue]; params: {'provider': ParamValue} }
    'api.chats.reply': { paramsTuple: [ParamValue,ParamValue]; params: {'chatId': ParamValue,'messageId': ParamValue} }
    'api.chats.stop': { paramsTuple: [ParamValue,ParamValue]; params: {'chatId': ParamValue,'messageId': ParamValue} }
    'api.chats.branch': { paramsTuple: [ParamValue,ParamValue]; params: {'chatId': ParamValue,'messageId': ParamValue} }
  }
  GET: {
    'landing': { paramsTuple?: []; params?: {} }
    'auth.sign_in': { paramsTuple?: []; params?: {} }
    'auth.sign_in_callback': { paramsTuple?: []; params?: {} }
    'api.session': { paramsTuple?: []; params?: {} }
    'auth.dev_sign_in': { paramsTuple: [ParamValue]; params: {'uid': ParamValue} }
    'chat.index': { paramsTuple?: []; params?: {} }
    'chat.show': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'settings.keys': { paramsTuple?: []; params?: {} }
    'api.models.index': { paramsTuple?: []; params?: {} }
    'api.keys.index': { paramsTuple?: []; params?: {} }
  }
  HEAD: {
    'landing': { paramsTuple?: []; params?: {} }
    'auth.sign_in': { paramsTuple?: []; params?: {} }
    'auth.sign_in_callback': { paramsTuple?: []; params?: {} }
    'api.session': { paramsTuple?: []; params?: {} }
    'auth.dev_sign_in': { paramsTuple: [ParamValue]; params: {'uid': ParamValue} }
    'chat.index': { paramsTuple?: []; params?: {} }
    'chat.show': { paramsTuple: [ParamValue]; params: {'id': ParamValue} }
    'settings.keys': { paramsTuple?: []; params?: {} }
    'api.models.index': { paramsTuple?: []; params?: {} }
    'api.keys.index': { paramsTuple?: []; params?: {} }
  }
  POST: {
    'auth.sign_out': { paramsTuple?: []; params?: {} }
    'auth.dev_sign_in.store': { paramsTuple: [ParamValue]; params: {'uid': ParamValue} }
    'api.chats.reply': { paramsTuple: [ParamValue,ParamValue]; params: {'chatId': ParamValue,'messageId': ParamValue} }
    'api.chats.stop': { paramsTuple: [ParamValue,ParamValue]; params: {'chatId': ParamValue,'messageId': ParamValue} }
    'api.chats.branch': { paramsTuple: [ParamValue,ParamValue]; params: {'chatId': ParamValue,'messageId': ParamValue} }
  }
  PUT: {
    'api.keys.update': { paramsTuple: [ParamValue]; params: {'provider': ParamValue} }
  }
  DELETE: {
    'api.keys.destroy': { paramsTuple: [ParamValue]; params: {'provider': ParamValue} }
  }
}
declare module '@adonisjs/core/types/http' {
  export interface RoutesList extends ScannedRoutes {}
}