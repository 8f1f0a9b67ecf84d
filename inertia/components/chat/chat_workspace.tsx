import { usePage } from '@inertiajs/react'
import { StoreRegistryProvider } from '@livestore/react'
import { CircleAlertIcon, RotateCwIcon } from 'lucide-react'
import { Component, Suspense, type ErrorInfo, type ReactNode } from 'react'
import {
  ChatList,
  ChatListSkeleton,
  useCurrentChatId,
  UNTITLED_CHAT,
} from '~/components/chat/chat_list'
import { ChatSettingsControl } from '~/components/chat/chat_settings_dialog'
import { ChatToaster } from '~/components/chat/chat_toaster'
import { NewChatButton } from '~/components/chat/new_chat_button'
import { SignedOutNotice } from '~/components/chat/signed_out_notice'
import { SyncIndicator } from '~/components/chat/sync_indicator'
import { Button } from '~/components/ui/button'
import { Skeleton } from '~/components/ui/skeleton'
import { useUserChatStore } from '~/hooks/use_chat_store'
import { initialSyncPercent, useInitialSyncProgress } from '~/hooks/use_initial_sync_progress'
import { useNewChatShortcut } from '~/hooks/use_chat_navigation'
import AppLayout from '~/layouts/app_layout'
import type { InertiaProps } from '~/types'
import { chatById$ } from '~/livestore/queries'
import { chatStoreId, storeRegistry } from '~/livestore/store'
import { useMemo } from 'react'

class StoreErrorBoundary extends Component<
  { children: ReactNode; compact?: boolean },
  { error: Error | null }
> {
  state = { error: null as Error | null }

  static getDerivedStateFromError(error: Error) {
    return { error }
  }

  componentDidCatch(error: Error, info: ErrorInfo) {
    console.error('[chat] the local chat store failed', error, info.componentStack)
  }

  render() {
    if (!this.state.error) return this.props.children
    if (this.props.compact) return null
    return (
      <div
        role="alert"
        className="flex flex-1 flex-col items-center justify-center gap-3 px-6 py-16 text-center"
      >
        <CircleAlertIcon className="size-6 text-destructive" aria-hidden="true" />
        <h2 className="text-lg font-semibold tracking-tight">
          Your chats could not be opened on this device
        </h2>
        <p className="max-w-sm text-sm text-muted-foreground text-balance">
          Another window may be upgrading them, or the browser refused local storage. Reloading
          usually fixes it; nothing you wrote is lost.
        </p>
        <Button variant="outline" className="mt-2" onClick={() => window.location.reload()}>
          <RotateCwIcon />
          Reload
        </Button>
      </div>
    )
  }
}

/* Each part of the page that reads the store waits for it on its own. */
function StoreBoundary({
  children,
  fallback,
  compact,
}: {
  children: ReactNode
  fallback: ReactNode
  compact?: boolean
}) {
  return (
    <StoreErrorBoundary compact={compact}>
      <Suspense fallback={fallback}>{children}</Suspense>
    </StoreErrorBoundary>
  )
}

/* A new device's first sync can take a while with a long history: say how far it is. */
function InitialSyncProgress() {
  const { user } = usePage<InertiaProps>().props
  const progress = useInitialSyncProgress(chatStoreId(user?.id ?? ''))
  if (!progress) return null
  const percent = initialSyncPercent(progress)
  return (
    <div role="status" aria-live="polite" className="flex flex-col items-center gap-2 pb-2">
      <p data-testid="initial-sync-progress" className="text-sm text-muted-foreground">
        Syncing your chats to this device…{percent === null ? '' : ` ${percent}%`}
      </p>
      {percent !== null && (
        <div className="h-1 w-48 overflow-hidden rounded-full bg-muted">
          <div className="h-full bg-primary transition-[width]" style={{ width: `${percent}%` }} />
        </div>
      )}
    </div>
  )
}

function ThreadSkeleton() {
  return (
    <div
      aria-busy="true"
      aria-label="Opening your chats"
      className="mx-auto flex w-full max-w-3xl flex-1 flex-col gap-6 px-4 pt-10"
    >
      <InitialSyncProgress />
      <Skeleton className="ml-auto h-10 w-2/5 rounded-3xl" />
      <div className="flex flex-col gap-2">
        <Skeleton className="h-4 w-11/12" />
        <Skeleton className="h-4 w-4/5" />
        <Skeleton className="h-4 w-3/5" />
      </div>
      <Skeleton className="mt-auto mb-4 h-24 w-full rounded-3xl" />
    </div>
  )
}

function HeaderTitle() {
  const chatId = useCurrentChatId()
  if (!chatId) return <span className="text-muted-foreground">{UNTITLED_CHAT}</span>
  return <ChatTitle chatId={chatId} />
}

/* The open chat's settings (or the new chat's, on /chat); keyed so a switch drops an open draft. */
function HeaderChatSettings() {
  const chatId = useCurrentChatId()
  return <ChatSettingsControl key={chatId ?? 'new'} chatId={chatId} />
}

function ChatTitle({ chatId }: { chatId: string }) {
  const store = useUserChatStore()
  const query = useMemo(() => chatById$(chatId), [chatId])
  const chat = store.useQuery(query)
  if (!chat || chat.deletedAt !== null) return null
  return (
    <span data-testid="chat-title" title={chat.title || UNTITLED_CHAT}>
      {chat.title || UNTITLED_CHAT}
    </span>
  )
}

/**
 * The chat pages' persistent layout: the app shell with the LiveStore-backed chat list, the
 * sync status in the header, toasts and the new-chat shortcut.
 */
export function ChatWorkspace({ children }: { children: ReactNode }) {
  useNewChatShortcut()

  return (
    <StoreRegistryProvider storeRegistry={storeRegistry}>
      <AppLayout
        fitViewport
        newChat={<NewChatButton />}
        chatList={
          <StoreBoundary fallback={<ChatListSkeleton />} compact>
            <ChatList />
          </StoreBoundary>
        }
        title={
          <StoreBoundary fallback={null} compact>
            <HeaderTitle />
          </StoreBoundary>
        }
        actions={
          <StoreBoundary fallback={null} compact>
            <HeaderChatSettings />
            <SyncIndicator />
          </StoreBoundary>
        }
      >
        <SignedOutNotice />
        <StoreBoundary fallback={<ThreadSkeleton />}>{children}</StoreBoundary>
      </AppLayout>
      <ChatToaster />
    </StoreRegistryProvider>
  )
}
