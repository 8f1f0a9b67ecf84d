import { Head } from '@inertiajs/react'
import { GitBranchIcon, KeyRoundIcon, RefreshCwIcon } from 'lucide-react'
import type { ReactNode } from 'react'
import { ChatView } from '~/components/chat/chat_view'
import { ChatWorkspace } from '~/components/chat/chat_workspace'
import type { InertiaProps } from '~/types'

function greeting(now = new Date()) {
  const hour = now.getHours()
  if (hour < 5) return 'Good evening'
  if (hour < 12) return 'Good morning'
  if (hour < 18) return 'Good afternoon'
  return 'Good evening'
}

const hints = [
  { icon: KeyRoundIcon, text: 'Use your own OpenAI, Anthropic, Google or OpenRouter key' },
  { icon: GitBranchIcon, text: 'Edit any message to branch the conversation' },
  { icon: RefreshCwIcon, text: 'Close the tab mid-answer; it picks up where it left off' },
]

/* The welcome of a new, empty chat: the composer sits right below it. */
function Welcome({ user }: Pick<InertiaProps, 'user'>) {
  return (
    <>
      <section
        aria-labelledby="chat-empty-title"
        className="flex flex-1 flex-col items-center justify-center px-6 py-16"
      >
        <div className="flex w-full max-w-md flex-col items-center text-center">
          <h1 id="chat-empty-title" className="text-2xl font-semibold tracking-tight text-balance">
            {greeting()}, {user?.displayName}
          </h1>
          <p className="mt-2 text-sm leading-relaxed text-muted-foreground text-balance">
            Start a chat with any model. Your history lives on this device and syncs to your others.
          </p>
          <ul className="mt-10 grid w-full gap-2 text-left">
            {hints.map(({ icon: Icon, text }) => (
              <li
                key={text}
                className="flex items-center gap-3 rounded-lg border border-border/70 bg-card px-3.5 py-2.5 text-sm text-muted-foreground shadow-xs"
              >
                <Icon className="size-4 shrink-0 text-foreground/70" aria-hidden="true" />
                {text}
              </li>
            ))}
          </ul>
        </div>
      </section>
    </>
  )
}

/*
| /chat (a new chat) and /chat/:id render this page; moving between chats is a client-side
| visit that only changes `chatId`, so the layout and the open store stay.
*/
export default function ChatIndex({
  user,
  chatId,
  defaultModelId,
}: InertiaProps<{ chatId?: string; defaultModelId: string }>) {
  return (
    <>
      <Head title="Chats" />
      <ChatView
        chatId={chatId}
        defaultModelId={defaultModelId}
        welcome={<Welcome user={user} />}
      />
    </>
  )
}

ChatIndex.layout = (page: ReactNode) => <ChatWorkspace>{page}</ChatWorkspace>
