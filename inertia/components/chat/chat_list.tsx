import { usePage } from '@inertiajs/react'
import { EllipsisIcon, PencilIcon, PinIcon, PinOffIcon, Trash2Icon } from 'lucide-react'
import { useEffect, useRef, useState, type KeyboardEvent, type MouseEvent } from 'react'
import { toast } from '~/components/chat/toast'
import { ChatListEmpty } from '~/components/app_sidebar'
import {
  DropdownMenu,
  DropdownMenuContent,
  DropdownMenuItem,
  DropdownMenuSeparator,
  DropdownMenuTrigger,
} from '~/components/ui/dropdown-menu'
import {
  SidebarMenu,
  SidebarMenuAction,
  SidebarMenuButton,
  SidebarMenuItem,
  SidebarMenuSkeleton,
  useSidebar,
} from '~/components/ui/sidebar'
import { useUserChatStore } from '~/hooks/use_chat_store'
import { chatUrl, openChat } from '~/hooks/use_chat_navigation'
import { deleteChat, renameChat, restoreChat, setPinned } from '~/livestore/chat_actions'
import { visibleChats$, type ChatListItem } from '~/livestore/queries'
import type { ChatStore } from '~/livestore/store'
import { cn } from '~/lib/utils'

export const UNTITLED_CHAT = 'New chat'

export function useCurrentChatId(): string | undefined {
  return usePage<{ chatId?: string }>().props.chatId
}

/* Shown while the store boots (a few frames from the device's copy). */
export function ChatListSkeleton() {
  return (
    <SidebarMenu aria-busy="true" aria-label="Loading chats">
      {Array.from({ length: 6 }, (_, index) => (
        <SidebarMenuItem key={index}>
          <SidebarMenuSkeleton />
        </SidebarMenuItem>
      ))}
    </SidebarMenu>
  )
}

/** The sidebar's chats from LiveStore: pinned first, then the most recently active. */
export function ChatList() {
  const store = useUserChatStore()
  const chats = store.useQuery(visibleChats$)
  const currentChatId = useCurrentChatId()
  const [renamingId, setRenamingId] = useState<string | null>(null)

  if (chats.length === 0) return <ChatListEmpty />

  return (
    <SidebarMenu data-testid="chat-list">
      {chats.map((chat, index) => (
        <ChatListRow
          key={chat.id}
          chat={chat}
          store={store}
          active={chat.id === currentChatId}
          firstUnpinned={index > 0 && !chat.pinned && chats[index - 1].pinned}
          renaming={renamingId === chat.id}
          onRenameStart={() => setRenamingId(chat.id)}
          onRenameEnd={() => setRenamingId(null)}
        />
      ))}
    </SidebarMenu>
  )
}

function ChatListRow({
  chat,
  store,
  active,
  firstUnpinned,
  renaming,
  onRenameStart,
  onRenameEnd,
}: {
  chat: ChatListItem
  store: ChatStore
  active: boolean
  firstUnpinned: boolean
  renaming: boolean
  onRenameStart: () => void
  onRenameEnd: () => void
}) {
  const title = chat.title || UNTITLED_CHAT
  const linkRef = useRef<HTMLAnchorElement>(null)
  const { isMobile, setOpenMobile } = useSidebar()

  const onClick = (event: MouseEvent<HTMLAnchorElement>) => {
    /* Let the browser handle new-tab and new-window clicks. */
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey || event.button !== 0) {
      return
    }
    event.preventDefault()
    openChat(chat.id)
    /* On a phone the sidebar is a sheet over the chat: get it out of the way. */
    if (isMobile) setOpenMobile(false)
  }

  const onKeyDown = (event: KeyboardEvent<HTMLAnchorElement>) => {
    if (event.key === 'F2') {
      event.preventDefault()
      onRenameStart()
    }
  }

  const remove = () => {
    deleteChat(store, chat.id)
    if (active) openChat(null, { replace: true })
    toast('Chat deleted', {
      id: `chat-deleted-${chat.id}`,
      description: title,
      duration: 8000,
      action: {
        label: 'Undo',
        onClick: () => {
          restoreChat(store, chat.id)
          if (active) openChat(chat.id, { replace: true })
        },
      },
    })
  }

  return (
    <SidebarMenuItem
      data-testid="chat-list-item"
      data-chat-id={chat.id}
      data-pinned={chat.pinned || undefined}
      className={cn(
        firstUnpinned &&
          'mt-2 before:absolute before:inset-x-2 before:-top-1.5 before:h-px before:bg-sidebar-border'
      )}
    >
      {renaming ? (
        <RenameInput
          initial={chat.title}
          onDone={(next) => {
            if (next !== null && next !== chat.title) renameChat(store, chat.id, next)
            onRenameEnd()
            requestAnimationFrame(() => linkRef.current?.focus())
          }}
        />
      ) : (
        <>
          <SidebarMenuButton asChild isActive={active}>
            <a
              ref={linkRef}
              href={chatUrl(chat.id)}
              onClick={onClick}
              onKeyDown={onKeyDown}
              onDoubleClick={onRenameStart}
              aria-current={active ? 'page' : undefined}
              title={title}
            >
              {chat.pinned && (
                <PinIcon aria-label="Pinned" className="size-3.5! text-muted-foreground" />
              )}
              <span className={cn(!chat.title && 'text-muted-foreground')}>{title}</span>
            </a>
          </SidebarMenuButton>
          <DropdownMenu>
            <DropdownMenuTrigger asChild>
              <SidebarMenuAction showOnHover aria-label={`Actions for ${title}`}>
                <EllipsisIcon />
              </SidebarMenuAction>
            </DropdownMenuTrigger>
            <DropdownMenuContent side="right" align="start" className="w-44">
              <DropdownMenuItem onSelect={onRenameStart}>
                <PencilIcon />
                Rename
                <span className="ml-auto text-xs text-muted-foreground">F2</span>
              </DropdownMenuItem>
              <DropdownMenuItem onSelect={() => setPinned(store, chat.id, !chat.pinned)}>
                {chat.pinned ? <PinOffIcon /> : <PinIcon />}
                {chat.pinned ? 'Unpin' : 'Pin'}
              </DropdownMenuItem>
              <DropdownMenuSeparator />
              <DropdownMenuItem variant="destructive" onSelect={remove}>
                <Trash2Icon />
                Delete
              </DropdownMenuItem>
            </DropdownMenuContent>
          </DropdownMenu>
        </>
      )}
    </SidebarMenuItem>
  )
}

/* Enter or leaving the field saves, Escape cancels; an empty title keeps the old one. */
function RenameInput({
  initial,
  onDone,
}: {
  initial: string
  onDone: (title: string | null) => void
}) {
  const [value, setValue] = useState(initial)
  const inputRef = useRef<HTMLInputElement>(null)
  const done = useRef(false)

  useEffect(() => {
    /* After the dropdown menu closes and gives focus back to its trigger. */
    const frame = requestAnimationFrame(() => {
      inputRef.current?.focus()
      inputRef.current?.select()
    })
    return () => cancelAnimationFrame(frame)
  }, [])

  const finish = (title: string | null) => {
    if (done.current) return
    done.current = true
    onDone(title === null || title.trim() === '' ? null : title)
  }

  return (
    <input
      ref={inputRef}
      aria-label="Chat title"
      value={value}
      maxLength={500}
      onChange={(event) => setValue(event.target.value)}
      onKeyDown={(event) => {
        if (event.key === 'Enter') {
          event.preventDefault()
          finish(value)
        } else if (event.key === 'Escape') {
          event.preventDefault()
          finish(null)
        }
      }}
      onBlur={() => finish(value)}
      className="h-8 w-full rounded-md border border-sidebar-ring/60 bg-background px-2 text-sm shadow-xs outline-none focus-visible:ring-2 focus-visible:ring-sidebar-ring/40"
    />
  )
}
