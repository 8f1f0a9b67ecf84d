import '@adonisjs/core/types/http'

type ParamValue = string | number | bigint | boolean

export type ScannedRoutes = {
  ALL: {
    'landing': { paramsTuple?: []; params?: {} }
    'chat.index': { paramsTuple?: []; params?: {} }
  }
  GET: {
    'landing': { paramsTuple?: []; params?: {} }
    'chat.index': { paramsTuple?: []; params?: {} }
  }
  HEAD: {
    'landing': { paramsTuple?: []; params?: {} }
    'chat.index': { paramsTuple?: []; params?: {} }
  }
}
declare module '@adonisjs/core/types/http' {
  export interface RoutesList extends ScannedRoutes {}
}