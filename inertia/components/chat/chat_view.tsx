import {
  ArchiveRestoreIcon,
  MessageSquareDashedIcon,
  SearchIcon,
  SquarePenIcon,
} from 'lucide-react'
import { useCallback, useMemo, useState, type ReactNode } from 'react'
import { ChatThread } from '~/components/chat/chat_thread'
import { ModelPicker } from '~/components/models/model_picker'
import { useModelCatalog } from '~/components/models/use_model_catalog'
import { Button } from '~/components/ui/button'
import { BranchActionsContext, replyTo, useBranchActions } from '~/hooks/use_branch_actions'
import { useUserChatStore } from '~/hooks/use_chat_store'
import { useLiveChannel } from '~/hooks/use_live_tokens'
import { withNewChatSettings } from '~/hooks/use_chat_settings'
import { openChat, startNewChat } from '~/hooks/use_chat_navigation'
import { computeActivePath } from '#shared/chat/active_path'
import { events } from '#shared/livestore/schema'
import { restoreChat, sendMessage, startChat } from '~/livestore/chat_actions'
import { chatById$, chatMessages$ } from '~/livestore/queries'

/* The composer's model picker; nothing until the catalog has loaded. */
function ComposerModelPicker({
  value,
  onChange,
}: {
  value: string
  onChange: (modelId: string) => void
}) {
  const { models } = useModelCatalog()
  if (!models) return <span />
  return <ModelPicker models={models} value={value} onChange={onChange} className="max-w-64" />
}

/**
 * The main area of /chat (a new, empty chat) and /chat/:id. Keyed by chat, so each chat gets
 * its own thread runtime and composer. `defaultModelId` is the model the server says a new
 * chat of this user starts with (one they can use: the development emulator on a setup
 * without keys).
 */
export function ChatView({
  chatId,
  defaultModelId,
  welcome,
}: {
  chatId?: string
  defaultModelId: string
  welcome: ReactNode
}) {
  // The /live socket stays open while a chat shows: a reply names it, and its first token needs no subscribe.
  useLiveChannel()
  return chatId ? (
    <ExistingChat key={chatId} chatId={chatId} defaultModelId={defaultModelId} />
  ) : (
    <NewChat key="new" defaultModelId={defaultModelId} welcome={welcome} />
  )
}

function NewChat({ defaultModelId, welcome }: { defaultModelId: string; welcome: ReactNode }) {
  const store = useUserChatStore()
  const [chosenModel, setModel] = useState<string | null>(null)
  const model = chosenModel ?? defaultModelId
  const onSend = useCallback(
    (text: string) => {
      const { chatId, messageId } = withNewChatSettings((settings) =>
        startChat(store, text, model, settings)
      )
      openChat(chatId, { replace: true })
      replyTo(chatId, messageId, { model })
    },
    [store, model]
  )
  return (
    <ChatThread
      onSend={onSend}
      composerAccessory={<ComposerModelPicker value={model} onChange={setModel} />}
      empty={<div className="flex flex-1 flex-col justify-center">{welcome}</div>}
    />
  )
}

function ExistingChat({ chatId, defaultModelId }: { chatId: string; defaultModelId: string }) {
  const store = useUserChatStore()
  const chatQuery = useMemo(() => chatById$(chatId), [chatId])
  const messagesQuery = useMemo(() => chatMessages$(chatId), [chatId])
  const chat = store.useQuery(chatQuery)
  const messages = store.useQuery(messagesQuery)

  const path = useMemo(
    () => computeActivePath(messages, chat?.activeLeafId ?? null),
    [messages, chat?.activeLeafId]
  )
  const model = chat?.model || defaultModelId
  const branchActions = useBranchActions(store, chatId, messages, path, model)

  const onSend = useCallback(
    (text: string, parentId: string | null) => {
      const { messageId } = sendMessage(store, chatId, parentId, text)
      replyTo(chatId, messageId, { model })
    },
    [store, chatId, model]
  )
  const onModelChange = useCallback(
    (model: string) => store.commit(events.chatModelSet({ id: chatId, model })),
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
    <BranchActionsContext.Provider value={branchActions}>
      <ChatThread
        activePath={path}
        onSend={onSend}
        composerAccessory={
          <ComposerModelPicker value={model} onChange={onModelChange} />
        }
        empty={
          <ChatNotice
            icon={<MessageSquareDashedIcon />}
            title="No messages yet"
            body="Write the first one below."
          />
        }
      />
    </BranchActionsContext.Provider>
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
