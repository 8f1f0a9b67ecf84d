/* eslint-disable prettier/prettier */
/// <reference path="../manifest.d.ts" />

import type { ExtractBody, ExtractErrorResponse, ExtractQuery, ExtractQueryForGet, ExtractResponse } from '@tuyau/core/types'
import type { InferInput, SimpleError } from '@vinejs/vine/types'

export type ParamValue = string | number | bigint | boolean

export interface Registry {
  'landing': {
    methods: ["GET","HEAD"]
    pattern: '/'
    types: {
      body: {}
      paramsTuple: []
      params: {}
      query: {}
      response: unknown
      errorResponse: unknown
    }
  }
  'auth.sign_in': {
    methods: ["GET","HEAD"]
    pattern: '/sign-in'
    types: {
      body: {}
      paramsTuple: []
      params: {}
      query: {}
      response: ExtractResponse<Awaited<ReturnType<import('#auth/controllers/sign_in_controller').default['show']>>>
      errorResponse: ExtractErrorResponse<Awaited<ReturnType<import('#auth/controllers/sign_in_controller').default['show']>>>
    }
  }
  'auth.sign_in_callback': {
    methods: ["GET","HEAD"]
    pattern: '/sign-in/callback'
    types: {
      body: {}
      paramsTuple: []
      params: {}
      query: {}
      response: ExtractResponse<Awaited<ReturnType<import('#auth/controllers/sign_in_controller').default['callback']>>>
      errorResponse: ExtractErrorResponse<Awaited<ReturnType<import('#auth/controllers/sign_in_controller').default['callback']>>>
    }
  }
  'auth.sign_out': {
    methods: ["POST"]
    pattern: '/sign-out'
    types: {
      body: {}
      paramsTuple: []
      params: {}
      query: {}
      response: ExtractResponse<Awaited<ReturnType<import('#auth/controllers/sign_out_controller').default['handle']>>>
      errorResponse: ExtractErrorResponse<Awaited<ReturnType<import('#auth/controllers/sign_out_controller').default['handle']>>>
    }
  }
  'api.session': {
    methods: ["GET","HEAD"]
    pattern: '/api/session'
    types: {
      body: {}
      paramsTuple: []
      params: {}
      query: {}
      response: ExtractResponse<Awaited<ReturnType<import('#auth/controllers/session_controller').default['show']>>>
      errorResponse: ExtractErrorResponse<Awaited<ReturnType<import('#auth/controllers/session_controller').default['show']>>>
    }
  }
  'auth.dev_sign_in': {
    methods: ["GET","HEAD"]
    pattern: '/dev-sign-in/:uid'
    types: {
      body: {}
      paramsTuple: [ParamValue]
      params: { uid: ParamValue }
      query: {}
      response: ExtractResponse<Awaited<ReturnType<import('#auth/controllers/dev_sign_in_controller').default['show']>>>
      errorResponse: ExtractErrorResponse<Awaited<ReturnType<import('#auth/controllers/dev_sign_in_controller').default['show']>>>
    }
  }
  'auth.dev_sign_in.store': {
    methods: ["POST"]
    pattern: '/dev-sign-in/:uid'
    types: {
      body: ExtractBody<InferInput<(typeof import('#auth/validators/sign_in_validators').devSignInValidator)>>
      paramsTuple: [ParamValue]
      params: { uid: ParamValue }
      query: ExtractQuery<InferInput<(typeof import('#auth/validators/sign_in_validators').devSignInValidator)>>
      response: ExtractResponse<Awaited<ReturnType<import('#auth/controllers/dev_sign_in_controller').default['store']>>>
      errorResponse: ExtractErrorResponse<Awaited<ReturnType<import('#auth/controllers/dev_sign_in_controller').default['store']>>> | { status: 422; response: { errors: SimpleError[] } }
    }
  }
  'chat.index': {
    methods: ["GET","HEAD"]
    pattern: '/chat'
    types: {
      body: {}
      paramsTuple: []
      params: {}
      query: {}
      response: ExtractResponse<Awaited<ReturnType<import('#chat/controllers/chat_pages_controller').default['show']>>>
      errorResponse: ExtractErrorResponse<Awaited<ReturnType<import('#chat/controllers/chat_pages_controller').default['show']>>>
    }
  }
  'chat.show': {
    methods: ["GET","HEAD"]
    pattern: '/chat/:id'
    types: {
      body: {}
      paramsTuple: [ParamValue]
      params: { id: ParamValue }
      query: {}
      response: ExtractResponse<Awaited<ReturnType<import('#chat/controllers/chat_pages_controller').default['show']>>>
      errorResponse: ExtractErrorResponse<Awaited<ReturnType<import('#chat/controllers/chat_pages_controller').default['show']>>>
    }
  }
  'settings.keys': {
    methods: ["GET","HEAD"]
    pattern: '/settings/keys'
    types: {
      body: {}
      paramsTuple: []
      params: {}
      query: {}
      response: ExtractResponse<Awaited<ReturnType<import('#keys/controllers/api_keys_controller').default['page']>>>
      errorResponse: ExtractErrorResponse<Awaited<ReturnType<import('#keys/controllers/api_keys_controller').default['page']>>>
    }
  }
  'api.models.index': {
    methods: ["GET","HEAD"]
    pattern: '/api/models'
    types: {
      body: {}
      paramsTuple: []
      params: {}
      query: {}
      response: ExtractResponse<Awaited<ReturnType<import('#catalog/controllers/models_controller').default['index']>>>
      errorResponse: ExtractErrorResponse<Awaited<ReturnType<import('#catalog/controllers/models_controller').default['index']>>>
    }
  }
  'api.keys.index': {
    methods: ["GET","HEAD"]
    pattern: '/api/keys'
    types: {
      body: {}
      paramsTuple: []
      params: {}
      query: {}
      response: ExtractResponse<Awaited<ReturnType<import('#keys/controllers/api_keys_controller').default['index']>>>
      errorResponse: ExtractErrorResponse<Awaited<ReturnType<import('#keys/controllers/api_keys_controller').default['index']>>>
    }
  }
  'api.keys.update': {
    methods: ["PUT"]
    pattern: '/api/keys/:provider'
    types: {
      body: ExtractBody<InferInput<(typeof import('#keys/validators/key_validators').saveKeyValidator)>>
      paramsTuple: [ParamValue]
      params: { provider: ParamValue }
      query: ExtractQuery<InferInput<(typeof import('#keys/validators/key_validators').saveKeyValidator)>>
      response: ExtractResponse<Awaited<ReturnType<import('#keys/controllers/api_keys_controller').default['update']>>>
      errorResponse: ExtractErrorResponse<Awaited<ReturnType<import('#keys/controllers/api_keys_controller').default['update']>>> | { status: 422; response: { errors: SimpleError[] } }
    }
  }
  'api.keys.destroy': {
    methods: ["DELETE"]
    pattern: '/api/keys/:provider'
    types: {
      body: ExtractBody<InferInput<(typeof import('#keys/validators/key_validators').providerParamValidator)>>
      paramsTuple: [ParamValue]
      params: { provider: ParamValue }
      query: ExtractQuery<InferInput<(typeof import('#keys/validators/key_validators').providerParamValidator)>>
      response: ExtractResponse<Awaited<ReturnType<import('#keys/controllers/api_keys_controller').default['destroy']>>>
      errorResponse: ExtractErrorResponse<Awaited<ReturnType<import('#keys/controllers/api_keys_controller').default['destroy']>>> | { status: 422; response: { errors: SimpleError[] } }
    }
  }
  'api.chats.reply': {
    methods: ["POST"]
    pattern: '/api/chats/:chatId/messages/:messageId/reply'
    types: {
      body: ExtractBody<InferInput<(typeof import('#chat/validators/chat_validators').replyValidator)>>
      paramsTuple: [ParamValue, ParamValue]
      params: { chatId: ParamValue; messageId: ParamValue }
      query: ExtractQuery<InferInput<(typeof import('#chat/validators/chat_validators').replyValidator)>>
      response: ExtractResponse<Awaited<ReturnType<import('#chat/controllers/replies_controller').default['store']>>>
      errorResponse: ExtractErrorResponse<Awaited<ReturnType<import('#chat/controllers/replies_controller').default['store']>>> | { status: 422; response: { errors: SimpleError[] } }
    }
  }
  'api.chats.stop': {
    methods: ["POST"]
    pattern: '/api/chats/:chatId/messages/:messageId/stop'
    types: {
      body: ExtractBody<InferInput<(typeof import('#chat/validators/chat_validators').messageParamsValidator)>>
      paramsTuple: [ParamValue, ParamValue]
      params: { chatId: ParamValue; messageId: ParamValue }
      query: ExtractQuery<InferInput<(typeof import('#chat/validators/chat_validators').messageParamsValidator)>>
      response: ExtractResponse<Awaited<ReturnType<import('#chat/controllers/replies_controller').default['stop']>>>
      errorResponse: ExtractErrorResponse<Awaited<ReturnType<import('#chat/controllers/replies_controller').default['stop']>>> | { status: 422; response: { errors: SimpleError[] } }
    }
  }
  'api.chats.branch': {
    methods: ["POST"]
    pattern: '/api/chats/:chatId/messages/:messageId/branch'
    types: {
      body: ExtractBody<InferInput<(typeof import('#chat/validators/branch_validator').branchValidator)>>
      paramsTuple: [ParamValue, ParamValue]
      params: { chatId: ParamValue; messageId: ParamValue }
      query: ExtractQuery<InferInput<(typeof import('#chat/validators/branch_validator').branchValidator)>>
      response: ExtractResponse<Awaited<ReturnType<import('#chat/controllers/branches_controller').default['store']>>>
      errorResponse: ExtractErrorResponse<Awaited<ReturnType<import('#chat/controllers/branches_controller').default['store']>>> | { status: 422; response: { errors: SimpleError[] } }
    }
  }
}
