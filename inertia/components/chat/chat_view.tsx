import {
  ArchiveRestoreIcon,
  MessageSquareDashedIcon,
  SearchIcon,
  SquarePenIcon,
} from 'lucide-react'
import { useCallback, useMemo, type ReactNode } from 'react'
import { ChatThread } from '~/components/chat/chat_thread'
import { Button } from '~/components/ui/button'
import { useUserChatStore } from '~/hooks/use_chat_store'
import { openChat, startNewChat } from '~/hooks/use_chat_navigation'
import { restoreChat, sendMessage, startChat } from '~/livestore/chat_actions'
import { chatById$, chatMessages$ } from '~/livestore/queries'

/**
 * The main area of /chat (a new, empty chat) and /chat/:id. Keyed by chat, so each chat gets
 * its own thread runtime and composer.
 */
export function ChatView({ chatId, welcome }: { chatId?: string; welcome: ReactNode }) {
  return chatId ? (
    <ExistingChat key={chatId} chatId={chatId} />
  ) : (
    <NewChat key="new" welcome={welcome} />
  )
}

function NewChat({ welcome }: { welcome: ReactNode }) {
  const store = useUserChatStore()
  const onSend = useCallback(
    (text: string) => {
      const { chatId } = startChat(store, text)
      openChat(chatId, { replace: true })
    },
    [store]
  )
  return (
    <ChatThread
      messages={[]}
      activeLeafId={null}
      onSend={onSend}
      empty={<div className="flex flex-1 flex-col justify-center">{welcome}</div>}
    />
  )
}

function ExistingChat({ chatId }: { chatId: string }) {
  const store = useUserChatStore()
  const chatQuery = useMemo(() => chatById$(chatId), [chatId])
  const messagesQuery = useMemo(() => chatMessages$(chatId), [chatId])
  const chat = store.useQuery(chatQuery)
  const messages = store.useQuery(messagesQuery)

  const onSend = useCallback(
    (text: string, parentId: string | null) => {
      sendMessage(store, chatId, parentId, text)
    },
    [store, chatId]
  )

  if (!chat) {
    return (
      <ChatNotice
        icon={<SearchIcon />}
        title="This chat isn’t on this device yet"
        body="If you started it on another device, it appears here as soon as it syncs."
        action={
          <Button variant="outline" onClick={startNewChat}>
            <SquarePenIcon />
            Start a new chat
          </Button>
        }
      />
    )
  }

  if (chat.deletedAt !== null) {
    return (
      <ChatNotice
        icon={<ArchiveRestoreIcon />}
        title="This chat was deleted"
        body={chat.title ? `“${chat.title}” is no longer in your list.` : undefined}
        action={
          <Button
            variant="outline"
            onClick={() => {
              restoreChat(store, chatId)
              openChat(chatId, { replace: true })
            }}
          >
            <ArchiveRestoreIcon />
            Restore it
          </Button>
        }
      />
    )
  }

  return (
    <ChatThread
      messages={messages}
      activeLeafId={chat.activeLeafId}
      onSend={onSend}
      empty={
        <ChatNotice
          icon={<MessageSquareDashedIcon />}
          title="No messages yet"
          body="Write the first one below."
        />
      }
    />
  )
}

function ChatNotice({
  icon,
  title,
  body,
  action,
}: {
  icon: ReactNode
  title: string
  body?: string
  action?: ReactNode
}) {
  return (
    <section className="flex flex-1 flex-col items-center justify-center gap-2 px-6 py-16 text-center">
      <div className="mb-2 flex size-11 items-center justify-center rounded-2xl border border-border bg-card text-muted-foreground shadow-xs [&_svg]:size-5">
        {icon}
      </div>
      <h1 className="text-lg font-semibold tracking-tight text-balance">{title}</h1>
      {body && <p className="max-w-sm text-sm text-muted-foreground text-balance">{body}</p>}
      {action && <div className="mt-4">{action}</div>}
    </section>
  )
}
