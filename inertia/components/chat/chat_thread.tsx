import {
  AssistantRuntimeProvider,
  ComposerPrimitive,
  ThreadPrimitive,
  useExternalStoreRuntime,
  type AppendMessage,
  type ThreadMessageLike,
} from '@assistant-ui/react'
import { ArrowDownIcon, ArrowUpIcon } from 'lucide-react'
import { useCallback, useEffect, useMemo, useRef, type ReactNode } from 'react'
import type { MessageCustom } from '~/components/chat/message_items'
import { MessageList } from '~/components/chat/message_list'
import { toast } from '~/components/chat/toast'
import { Button } from '~/components/ui/button'
import { FOCUS_COMPOSER_EVENT } from '~/hooks/use_chat_navigation'
import type { PathEntry } from '#shared/chat/active_path'
import { MessageTooLongError } from '~/livestore/chat_actions'
import type { ThreadMessageRow } from '~/livestore/queries'

type MessageRowView = ThreadMessageRow

function statusOf(message: MessageRowView): ThreadMessageLike['status'] {
  switch (message.status) {
    case 'streaming':
      return { type: 'running' }
    case 'stopped':
    case 'interrupted':
      return { type: 'incomplete', reason: 'cancelled' }
    case 'error':
      return { type: 'incomplete', reason: 'error', error: message.error ?? undefined }
    default:
      return { type: 'complete', reason: 'stop' }
  }
}

function toThreadMessage(message: MessageRowView): ThreadMessageLike {
  return {
    id: message.id,
    role: message.role,
    content: [{ type: 'text', text: message.text }],
    createdAt: new Date(message.createdAt),
    ...(message.role === 'assistant' ? { status: statusOf(message) } : {}),
    metadata: {
      custom: {
        model: message.model,
        error: message.error,
        status: message.status,
        usage: message.usage,
        costMicros: message.costMicros,
      } satisfies MessageCustom,
    },
  }
}

function textOf(message: AppendMessage) {
  return message.content
    .map((part) => (part.type === 'text' ? part.text : ''))
    .join('')
    .trim()
}

const NO_ENTRIES: readonly PathEntry<MessageRowView>[] = []

/*
| Where the model's view of the thread starts: the newest finished answer on
| the path tells which message its prompt began with when it had to be cut to
| the model's context window. An older answer's cut is not shown once a newer
| one was given everything (a larger model, say).
*/
export function contextCutOf(path: readonly MessageRowView[]): string | null {
  for (let index = path.length - 1; index >= 0; index--) {
    const message = path[index]
    if (message.role !== 'assistant' || message.status === 'streaming') continue
    const startId = message.contextStartId
    if (!startId) return null
    return path.slice(0, index).some((earlier) => earlier.id === startId) ? startId : null
  }
  return null
}

/**
 * The thread and composer of one chat (or of a chat about to start), rendered by assistant-ui
 * from LiveStore rows through its external-store runtime. `activePath` is the path root ->
 * active leaf (computeActivePath); `onSend` commits the user's message under `leafId` (the end
 * of the shown path). The message list is virtualized (message_list.tsx).
 */
export function ChatThread({
  activePath = NO_ENTRIES,
  onSend,
  empty,
  composerAccessory,
}: {
  activePath?: readonly PathEntry<MessageRowView>[]
  onSend: (text: string, parentId: string | null) => void
  empty?: ReactNode
  /** Shown in the composer's bottom bar (the model picker). */
  composerAccessory?: ReactNode
}) {
  const path = useMemo(() => activePath.map((entry) => entry.message), [activePath])
  const viewportRef = useRef<HTMLDivElement>(null)
  const leafId = path.at(-1)?.id ?? null
  const isRunning = path.some((message) => message.status === 'streaming')
  const contextStartId = useMemo(() => contextCutOf(path), [path])

  const onNew = useCallback(
    async (message: AppendMessage) => {
      const text = textOf(message)
      if (!text) return
      try {
        onSend(text, leafId)
      } catch (error) {
        toast.error(
          error instanceof MessageTooLongError ? error.message : 'Your message could not be saved.'
        )
        throw error
      }
    },
    [onSend, leafId]
  )

  const runtime = useExternalStoreRuntime<MessageRowView>({
    messages: path,
    convertMessage: toThreadMessage,
    isRunning,
    onNew,
  })

  return (
    <AssistantRuntimeProvider runtime={runtime}>
      <ThreadPrimitive.Root className="relative flex min-h-0 flex-1 flex-col">
        <ThreadPrimitive.Viewport
          ref={viewportRef}
          className="flex min-h-0 flex-1 flex-col overflow-y-auto scroll-smooth px-4"
          data-testid="thread-viewport"
        >
          {path.length === 0 ? (
            empty
          ) : (
            <div className="mx-auto flex w-full max-w-3xl flex-col pt-8 pb-4">
              <MessageList viewportRef={viewportRef} contextStartId={contextStartId} />
            </div>
          )}
          <ThreadPrimitive.ViewportFooter className="sticky bottom-0 mt-auto bg-gradient-to-t from-background from-70% to-transparent pt-6 pb-4">
            <div className="relative mx-auto w-full max-w-3xl">
              <ThreadPrimitive.ScrollToBottom asChild>
                <Button
                  variant="outline"
                  size="icon-sm"
                  aria-label="Scroll to the latest message"
                  className="absolute -top-12 left-1/2 -translate-x-1/2 rounded-full shadow-md disabled:invisible"
                >
                  <ArrowDownIcon />
                </Button>
              </ThreadPrimitive.ScrollToBottom>
              <Composer accessory={composerAccessory} />
            </div>
          </ThreadPrimitive.ViewportFooter>
        </ThreadPrimitive.Viewport>
      </ThreadPrimitive.Root>
    </AssistantRuntimeProvider>
  )
}

function Composer({ accessory }: { accessory?: ReactNode }) {
  const inputRef = useRef<HTMLTextAreaElement>(null)

  useEffect(() => {
    const focus = () => inputRef.current?.focus()
    window.addEventListener(FOCUS_COMPOSER_EVENT, focus)
    return () => window.removeEventListener(FOCUS_COMPOSER_EVENT, focus)
  }, [])

  return (
    <ComposerPrimitive.Root
      className="group/composer flex w-full flex-col rounded-3xl border border-border bg-background shadow-[0_1px_2px_rgb(0_0_0/0.04),0_8px_24px_-12px_rgb(0_0_0/0.12)] transition-[border-color,box-shadow] focus-within:border-ring/60 focus-within:shadow-[0_1px_2px_rgb(0_0_0/0.04),0_12px_32px_-12px_rgb(0_0_0/0.2)] dark:bg-card"
      data-testid="composer"
    >
      <ComposerPrimitive.Input
        ref={inputRef}
        autoFocus
        rows={1}
        maxRows={12}
        placeholder="Message…"
        aria-label="Message"
        className="max-h-72 min-h-14 w-full resize-none bg-transparent px-5 pt-4 pb-1 text-[15px] leading-relaxed outline-none placeholder:text-muted-foreground/80"
      />
      <div className="flex items-center justify-between gap-2 px-3 pb-3">
        {accessory ?? (
          <p className="invisible pl-2 text-xs text-muted-foreground/80 select-none sm:visible">
            <kbd className="font-sans">Enter</kbd> to send ·{' '}
            <kbd className="font-sans">Shift+Enter</kbd> for a new line
          </p>
        )}
        <ComposerPrimitive.Send asChild>
          <Button
            size="icon-sm"
            aria-label="Send message"
            className="rounded-full transition-opacity disabled:opacity-30"
          >
            <ArrowUpIcon className="size-4.5" />
          </Button>
        </ComposerPrimitive.Send>
      </div>
    </ComposerPrimitive.Root>
  )
}
