import './css/app.css'
import { client } from './client'
import type { ComponentType } from 'react'
import { createRoot } from 'react-dom/client'
import { createInertiaApp } from '@inertiajs/react'
import { TuyauProvider } from '@adonisjs/inertia/react'
import { resolvePageComponent } from '@adonisjs/inertia/helpers'
import { cspNonce } from '~/lib/csp'
import { watchSystemTheme } from '~/lib/theme'

const appName = import.meta.env.VITE_APP_NAME || 'Chat'

watchSystemTheme()

createInertiaApp({
  title: (title) => (title ? `${title} · ${appName}` : appName),
  resolve: async (name) => {
    const page = await resolvePageComponent(
      `./pages/${name}.tsx`,
      import.meta.glob<{ default: ComponentType }>('./pages/**/*.tsx')
    )
    return page.default
  },
  setup({ el, App, props }) {
    createRoot(el).render(
      <TuyauProvider client={client}>
        <App {...props} />
      </TuyauProvider>
    )
  },
  /* Inertia's progress bar and dialogs add <style> elements; they carry the nonce. */
  nonce: cspNonce,
  progress: { color: 'oklch(0.556 0 0)', delay: 150 },
})

/*
| The offline shell (public/sw.js): a chat page reloads and opens with no
| network, from the copies the worker keeps. Registering changes nothing
| while online (the network answers first).
*/
if ('serviceWorker' in navigator) {
  window.addEventListener('load', () => {
    navigator.serviceWorker.register('/sw.js').catch((error) => {
      console.warn('The offline shell could not be installed', error)
    })
  })
}
