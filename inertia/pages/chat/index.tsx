import { Head } from '@inertiajs/react'
import { Link } from '@adonisjs/inertia/react'
import { GitBranchIcon, KeyRoundIcon, RefreshCwIcon, SquarePenIcon } from 'lucide-react'
import type { ReactNode } from 'react'
import { Button } from '~/components/ui/button'
import AppLayout from '~/layouts/app_layout'
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

export default function ChatIndex({ user }: InertiaProps) {
  return (
    <>
      <Head title="Chats" />
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
          <Button asChild className="mt-6">
            <Link route="chat.index">
              <SquarePenIcon />
              New chat
            </Link>
          </Button>
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

ChatIndex.layout = (page: ReactNode) => <AppLayout>{page}</AppLayout>
