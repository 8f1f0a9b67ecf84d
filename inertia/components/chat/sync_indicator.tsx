import { CheckIcon, CloudOffIcon, LoaderCircleIcon, LogOutIcon, RefreshCwIcon } from 'lucide-react'
import { Tooltip, TooltipContent, TooltipTrigger } from '~/components/ui/tooltip'
import { useUserChatStore } from '~/hooks/use_chat_store'
import { useProbeWhileDisconnected, useSessionState } from '~/hooks/use_session_watch'
import { useSyncIndicator, type SyncPhase } from '~/livestore/sync_status'
import { cn } from '~/lib/utils'

/* The sync phases, and the session's end, which outranks them all. */
type IndicatorPhase = SyncPhase | 'signed_out'

const copy: Record<IndicatorPhase, { label: string; detail: string }> = {
  signed_out: {
    label: 'Signed out',
    detail: 'Your session ended. Your chats stay on this device; sign in again to sync them.',
  },
  saved: {
    label: 'Saved',
    detail: 'Every change is on the server and reaches your other devices.',
  },
  saving: {
    label: 'Saving…',
    detail: 'Sending your latest changes to the server.',
  },
  offline: {
    label: 'Offline — changes saved on this device',
    detail: 'Keep going: your changes sync as soon as you are back online.',
  },
  reconnecting: {
    label: 'Reconnecting…',
    detail: 'The connection to the server dropped. Your changes are safe on this device.',
  },
  connecting: {
    label: 'Connecting…',
    detail: 'Opening the connection to the server. Your changes are safe on this device.',
  },
}

/* Where the user's changes are: only "Saved" once the server has confirmed them. */
export function SyncIndicator() {
  const store = useUserChatStore()
  const sync = useSyncIndicator(store)
  const session = useSessionState()
  /* A socket that cannot (re)connect may have been refused for an ended session: ask. */
  useProbeWhileDisconnected(sync.phase === 'reconnecting' || sync.phase === 'connecting')
  const phase: IndicatorPhase = session === 'signed_out' ? 'signed_out' : sync.phase
  const { unconfirmed } = sync
  const { label, detail } = copy[phase]
  const Icon =
    phase === 'signed_out'
      ? LogOutIcon
      : phase === 'saved'
      ? CheckIcon
      : phase === 'offline'
        ? CloudOffIcon
        : phase === 'reconnecting'
          ? RefreshCwIcon
          : LoaderCircleIcon

  return (
    <Tooltip>
      <TooltipTrigger asChild>
        <div
          role="status"
          aria-live="polite"
          data-testid="sync-indicator"
          data-phase={phase}
          tabIndex={0}
          className={cn(
            'flex h-7 max-w-full items-center gap-1.5 rounded-full border px-2.5 text-xs font-medium whitespace-nowrap outline-none transition-colors focus-visible:ring-2 focus-visible:ring-ring/50',
            phase === 'saved' && 'border-transparent text-muted-foreground',
            (phase === 'saving' || phase === 'connecting') &&
              'border-border/70 bg-muted/60 text-foreground/80',
            phase === 'offline' &&
              'border-amber-500/30 bg-amber-500/10 text-amber-700 dark:text-amber-300',
            phase === 'reconnecting' &&
              'border-sky-500/30 bg-sky-500/10 text-sky-700 dark:text-sky-300',
            phase === 'signed_out' && 'border-destructive/30 bg-destructive/5 text-destructive'
          )}
        >
          <Icon
            aria-hidden="true"
            className={cn(
              'size-3.5 shrink-0',
              (phase === 'saving' || phase === 'connecting') && 'animate-spin',
              phase === 'reconnecting' && 'animate-spin [animation-duration:2s]',
              phase === 'saved' && 'text-emerald-600 dark:text-emerald-400'
            )}
          />
          {/* Phones show the icon; the label stays for screen readers. */}
          <span className="sr-only truncate sm:not-sr-only">{label}</span>
        </div>
      </TooltipTrigger>
      <TooltipContent side="bottom" align="end" className="max-w-64">
        {detail}
        {unconfirmed > 0 && (
          <span className="mt-1 block opacity-70">
            {unconfirmed === 1 ? '1 change' : `${unconfirmed} changes`} waiting for the server
          </span>
        )}
      </TooltipContent>
    </Tooltip>
  )
}
