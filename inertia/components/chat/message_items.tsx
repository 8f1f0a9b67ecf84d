import { MessagePrimitive, useAuiState } from '@assistant-ui/react'
import {
  ChevronLeftIcon,
  ChevronRightIcon,
  CircleAlertIcon,
  GitBranchPlusIcon,
  PencilIcon,
  RefreshCwIcon,
  RotateCcwIcon,
  SquareIcon,
} from 'lucide-react'
import { useState, type KeyboardEvent, type ReactNode } from 'react'
import { CopyButton } from '~/components/markdown/copy_button'
import { Markdown } from '~/components/markdown/markdown'
import { Button } from '~/components/ui/button'
import { useModelName } from '~/components/models/use_model_names'
import { useBranchActionsContext } from '~/hooks/use_branch_actions'
import { useLiveText } from '~/hooks/use_live_tokens'
import { cn } from '~/lib/utils'
import { answerUsage } from '#shared/chat/answer_usage'
import type { Usage } from '#shared/livestore/schema'

export type MessageCustom = {
  model: string | null
  error: string | null
  status: string
  usage: Usage | null
  costMicros: number | null
}

function useMessageText() {
  return useAuiState((state) =>
    state.message.content.map((part) => (part.type === 'text' ? part.text : '')).join('')
  )
}

function useMessageId() {
  return useAuiState((state) => state.message.id)
}

/** `< 2/3 >` under a message that has siblings (edits or regenerations). */
export function BranchPicker({ messageId }: { messageId: string }) {
  const actions = useBranchActionsContext()
  const entry = actions?.entryOf(messageId)
  if (!actions || !entry || entry.siblingIds.length < 2) return null
  const { siblingIndex, siblingIds } = entry
  return (
    <div
      className="flex items-center text-xs text-muted-foreground tabular-nums"
      data-testid="branch-picker"
    >
      <Button
        variant="ghost"
        size="icon-xs"
        aria-label="Previous version"
        disabled={siblingIndex === 0}
        onClick={() => actions.switchSibling(messageId, -1)}
      >
        <ChevronLeftIcon />
      </Button>
      <span data-testid="branch-position">
        {siblingIndex + 1}/{siblingIds.length}
      </span>
      <Button
        variant="ghost"
        size="icon-xs"
        aria-label="Next version"
        disabled={siblingIndex === siblingIds.length - 1}
        onClick={() => actions.switchSibling(messageId, 1)}
      >
        <ChevronRightIcon />
      </Button>
    </div>
  )
}

export function UserMessage() {
  const id = useMessageId()
  const text = useMessageText()
  const actions = useBranchActionsContext()
  const [editing, setEditing] = useState(false)

  return (
    <MessagePrimitive.Root
      data-testid="user-message"
      data-message-id={id}
      className="group/message flex flex-col items-end gap-1"
    >
      {editing && actions ? (
        <EditBox
          initial={text}
          onCancel={() => setEditing(false)}
          onSave={(next) => {
            setEditing(false)
            if (next.trim() && next.trim() !== text.trim()) actions.editAndResend(id, next)
          }}
        />
      ) : (
        <div className="max-w-[85%] rounded-3xl rounded-br-lg bg-muted px-4 py-2.5 text-[15px] leading-relaxed whitespace-pre-wrap break-words text-foreground">
          {text}
        </div>
      )}
      {!editing && (
        <div className="flex items-center gap-0.5 opacity-100 transition-opacity sm:opacity-0 sm:group-hover/message:opacity-100 sm:focus-within:opacity-100 sm:has-[[data-testid=branch-picker]]:opacity-100">
          <BranchPicker messageId={id} />
          <CopyButton text={text} label="Copy message" testId="copy-message" />
          {actions && (
            <Button
              variant="ghost"
              size="icon-xs"
              aria-label="Edit message"
              title="Edit and resend"
              className="text-muted-foreground hover:text-foreground"
              onClick={() => setEditing(true)}
            >
              <PencilIcon />
            </Button>
          )}
        </div>
      )}
    </MessagePrimitive.Root>
  )
}

function EditBox({
  initial,
  onSave,
  onCancel,
}: {
  initial: string
  onSave: (text: string) => void
  onCancel: () => void
}) {
  const [value, setValue] = useState(initial)
  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === 'Escape') onCancel()
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault()
      onSave(value)
    }
  }
  return (
    <div className="flex w-full max-w-[85%] flex-col gap-2 rounded-3xl border border-border bg-background p-3">
      <textarea
        autoFocus
        aria-label="Edit message"
        value={value}
        rows={Math.min(10, Math.max(2, value.split('\n').length))}
        onChange={(event) => setValue(event.target.value)}
        onKeyDown={onKeyDown}
        className="w-full resize-none bg-transparent px-2 text-[15px] leading-relaxed outline-none"
      />
      <div className="flex justify-end gap-2">
        <Button variant="ghost" size="sm" onClick={onCancel}>
          Cancel
        </Button>
        <Button size="sm" disabled={!value.trim()} onClick={() => onSave(value)}>
          Send
        </Button>
      </div>
    </div>
  )
}

export function AssistantMessage() {
  const id = useMessageId()
  const custom = useAuiState((state) => state.message.metadata.custom) as MessageCustom
  const stored = useMessageText()
  const streaming = custom.status === 'streaming'
  /* Token-latency text from /live while streaming; LiveStore's checkpoints otherwise. */
  const text = useLiveText(id, stored, streaming)
  const actions = useBranchActionsContext()
  const modelName = useModelName(custom.model)
  const retry = actions ? () => actions.regenerate(id) : null

  return (
    <MessagePrimitive.Root
      data-testid="assistant-message"
      data-message-id={id}
      data-status={custom.status}
      className="group/message flex flex-col gap-1.5"
    >
      {custom.model && (
        <span
          className="text-xs font-medium text-muted-foreground"
          title={custom.model}
          data-testid="message-model"
        >
          {modelName}
        </span>
      )}
      {text !== '' && <Markdown text={text} className="text-[15px] leading-relaxed" />}
      {streaming && text === '' && <TypingDots />}
      {custom.status === 'error' && (
        <RetryNote tone="error" testId="message-error" onRetry={retry}>
          {custom.error || 'The answer could not be completed.'}
        </RetryNote>
      )}
      {custom.status === 'stopped' && (
        <p className="text-xs text-muted-foreground" data-testid="message-ended">
          Stopped
        </p>
      )}
      {/*
       * Interrupted is not the person's doing (the server went away mid-answer): the answer is
       * offered again as an error is. A stopped one was their choice; Regenerate is below it.
       */}
      {custom.status === 'interrupted' && (
        <RetryNote tone="muted" testId="message-ended" onRetry={retry}>
          Interrupted — the server restarted before this answer finished
        </RetryNote>
      )}
      <div
        className={cn(
          'flex items-center gap-0.5',
          !streaming &&
            'opacity-100 transition-opacity sm:opacity-0 sm:group-hover/message:opacity-100 sm:focus-within:opacity-100 sm:has-[[data-testid=branch-picker]]:opacity-100'
        )}
      >
        <BranchPicker messageId={id} />
        {streaming ? (
          actions && (
            <Button
              variant="outline"
              size="sm"
              className="h-7 rounded-full text-xs"
              onClick={() => actions.stop(id)}
            >
              <SquareIcon className="size-3 fill-current" />
              Stop
            </Button>
          )
        ) : (
          <>
            <CopyButton text={text} label="Copy answer" testId="copy-message" />
            {actions && (
              <>
                <Button
                  variant="ghost"
                  size="icon-xs"
                  aria-label="Regenerate answer"
                  title="Regenerate"
                  className="text-muted-foreground hover:text-foreground"
                  onClick={() => actions.regenerate(id)}
                >
                  <RefreshCwIcon />
                </Button>
                <Button
                  variant="ghost"
                  size="icon-xs"
                  aria-label="Branch into a new chat"
                  title="Branch into a new chat"
                  className="text-muted-foreground hover:text-foreground"
                  onClick={() => actions.branchIntoNewChat(id)}
                >
                  <GitBranchPlusIcon />
                </Button>
              </>
            )}
            <UsageNote usage={custom.usage} costMicros={custom.costMicros} />
          </>
        )}
      </div>
    </MessagePrimitive.Root>
  )
}

/* The answer's tokens and cost (metered on the server), beside its actions. */
function UsageNote({ usage, costMicros }: { usage: Usage | null; costMicros: number | null }) {
  const view = answerUsage(usage, costMicros)
  if (!view) return null
  return (
    <span
      className="ml-1.5 rounded-sm text-xs tabular-nums text-muted-foreground focus-visible:ring-2 focus-visible:ring-ring focus-visible:outline-none"
      title={view.detail}
      // Reachable by keyboard (it shows the action row) and read out whole, split included.
      tabIndex={0}
      aria-label={`${view.summary} (${view.detail})`}
      data-testid="message-usage"
    >
      {view.summary}
    </span>
  )
}

function TypingDots() {
  return (
    <span className="flex h-6 items-center gap-1" aria-label="Writing">
      {[0, 150, 300].map((delay) => (
        <span
          key={delay}
          className="size-1.5 animate-bounce rounded-full bg-muted-foreground/60"
          style={{ animationDelay: `${delay}ms` }}
        />
      ))}
    </span>
  )
}

/* How an answer ended when it did not complete, with Retry (a regenerate) when the thread allows it. */
function RetryNote({
  tone,
  testId,
  onRetry,
  children,
}: {
  tone: 'error' | 'muted'
  testId: string
  onRetry: (() => void) | null
  children: ReactNode
}) {
  return (
    <div
      className={cn(
        'flex flex-wrap items-center gap-2 rounded-xl border px-3 py-2 text-sm',
        tone === 'error'
          ? 'border-destructive/30 bg-destructive/5 text-destructive'
          : 'border-border bg-muted/40 text-muted-foreground'
      )}
      data-testid={testId}
    >
      {tone === 'error' && <CircleAlertIcon className="size-4 shrink-0" aria-hidden="true" />}
      <span className="min-w-0 flex-1">{children}</span>
      {onRetry && (
        <Button variant="outline" size="sm" onClick={onRetry}>
          <RotateCcwIcon />
          Retry
        </Button>
      )}
    </div>
  )
}
