/* eslint-disable prettier/prettier */
import type { routes } from './index.ts'

export interface ApiDefinition {
  landing: typeof routes['landing']
  chat: {
    index: typeof routes['chat.index']
  }
}
