import '@adonisjs/inertia/types'

import type React from 'react'
import type { Prettify } from '@adonisjs/core/types/common'

type ExtractProps<T> =
  T extends React.FC<infer Props>
    ? Prettify<Omit<Props, 'children'>>
    : T extends React.Component<infer Props>
      ? Prettify<Omit<Props, 'children'>>
      : never

declare module '@adonisjs/inertia/types' {
  export interface InertiaPages {
    'auth/dev_sign_in': ExtractProps<(typeof import('../../inertia/pages/auth/dev_sign_in.tsx'))['default']>
    'auth/sign_in_failed': ExtractProps<(typeof import('../../inertia/pages/auth/sign_in_failed.tsx'))['default']>
    'chat/index': ExtractProps<(typeof import('../../inertia/pages/chat/index.tsx'))['default']>
    'errors/not_found': ExtractProps<(typeof import('../../inertia/pages/errors/not_found.tsx'))['default']>
    'errors/server_error': ExtractProps<(typeof import('../../inertia/pages/errors/server_error.tsx'))['default']>
    'landing': ExtractProps<(typeof import('../../inertia/pages/landing.tsx'))['default']>
    'settings/keys': ExtractProps<(typeof import('../../inertia/pages/settings/keys.tsx'))['default']>
  }
}
