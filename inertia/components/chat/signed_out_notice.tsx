import { LogInIcon, LogOutIcon } from 'lucide-react'
import { useState } from 'react'
import { Button } from '~/components/ui/button'
import { useSessionState } from '~/hooks/use_session_watch'
import { wipeLocalData } from '~/livestore/local_data'

/*
| Shown once the server says this page's session is over (expired, revoked,
| or signed out elsewhere): the chats stay readable from the device and
| nothing is deleted, until the person signs in again (the same account
| picks up where it was and syncs what waited) or removes them here.
*/
export function SignedOutNotice() {
  const session = useSessionState()
  const [removing, setRemoving] = useState(false)
  if (session !== 'signed_out') return null

  const returnTo = `${window.location.pathname}${window.location.search}`
  const signInHref = `/sign-in?return_to=${encodeURIComponent(returnTo)}`

  return (
    <div
      role="alert"
      data-testid="signed-out-notice"
      className="flex shrink-0 flex-wrap items-center gap-x-4 gap-y-2 border-b border-destructive/20 bg-destructive/5 px-4 py-2.5 text-sm"
    >
      <p className="min-w-0 flex-1">
        <span className="font-medium">You’ve been signed out.</span>{' '}
        <span className="text-muted-foreground">
          Your chats are still on this device; changes sync once you sign in again.
        </span>
      </p>
      <div className="flex items-center gap-2">
        <Button
          variant="ghost"
          size="sm"
          disabled={removing}
          onClick={() => {
            setRemoving(true)
            void wipeLocalData().finally(() => window.location.assign('/'))
          }}
        >
          <LogOutIcon />
          Remove chats from this device
        </Button>
        <Button size="sm" asChild>
          {/* A full page load: the sign-in leaves the app for the identity provider. */}
          <a href={signInHref}>
            <LogInIcon />
            Sign in again
          </a>
        </Button>
      </div>
    </div>
  )
}
