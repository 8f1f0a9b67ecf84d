import { SlidersHorizontalIcon } from 'lucide-react'
import { settingsSummary, type ChatSettings } from '#shared/chat/chat_settings'
import { SystemPromptField, TemperatureField } from '~/components/chat/chat_settings_fields'
import { Button } from '~/components/ui/button'
import {
  Dialog,
  DialogClose,
  DialogContent,
  DialogDescription,
  DialogFooter,
  DialogHeader,
  DialogTitle,
  DialogTrigger,
} from '~/components/ui/dialog'
import { Tooltip, TooltipContent, TooltipTrigger } from '~/components/ui/tooltip'
import {
  useChatSettings,
  useChatSettingsForm,
  type ChatSettingsForm,
} from '~/hooks/use_chat_settings'
import { cn } from '~/lib/utils'

const isMac = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform)

/**
 * The chat header's "Chat settings" button and dialog (system prompt, temperature) for the open
 * chat, or for the chat about to start on /chat. The button says when a chat has its own
 * settings, so an unusual answer has a visible explanation.
 */
export function ChatSettingsControl({ chatId }: { chatId?: string }) {
  const { saved, save, available } = useChatSettings(chatId)
  const form = useChatSettingsForm(saved, save)
  if (!available) return null
  return (
    <Dialog open={form.open} onOpenChange={form.setOpen}>
      <SettingsTrigger saved={saved} />
      <DialogContent
        className="gap-6 sm:max-w-xl"
        onKeyDown={form.onKeyDown}
        data-testid="chat-settings-dialog"
      >
        <DialogHeader>
          <DialogTitle>Chat settings</DialogTitle>
          <DialogDescription>
            {chatId
              ? 'For this chat only; its next answers use them.'
              : 'For the chat you are starting; its first answer uses them.'}
          </DialogDescription>
        </DialogHeader>
        <SettingsFields form={form} />
        <SettingsFooter form={form} />
      </DialogContent>
    </Dialog>
  )
}

function SettingsTrigger({ saved }: { saved: ChatSettings }) {
  const summary = settingsSummary(saved)
  return (
    <Tooltip>
      <TooltipTrigger asChild>
        <DialogTrigger asChild>
          <Button
            variant="ghost"
            size={summary ? 'sm' : 'icon-sm'}
            aria-label={summary ? `Chat settings (${summary})` : 'Chat settings'}
            data-testid="chat-settings-button"
            className={cn(
              'relative text-muted-foreground',
              summary &&
                'border border-border/70 bg-muted/60 text-foreground/80 hover:bg-muted dark:bg-muted/40'
            )}
          >
            <SlidersHorizontalIcon />
            {summary && (
              <>
                {/* Phones show a dot; the words stay for wider screens and screen readers. */}
                <span
                  className="absolute -top-0.5 -right-0.5 size-2 rounded-full bg-primary sm:hidden"
                  aria-hidden="true"
                />
                <span
                  className="hidden max-w-48 truncate text-xs sm:inline"
                  data-testid="chat-settings-hint"
                >
                  {summary}
                </span>
              </>
            )}
          </Button>
        </DialogTrigger>
      </TooltipTrigger>
      <TooltipContent side="bottom" className="max-w-72">
        {saved.systemPrompt ? (
          <span className="line-clamp-3 whitespace-pre-line">{saved.systemPrompt}</span>
        ) : (
          'Chat settings: system prompt and temperature'
        )}
      </TooltipContent>
    </Tooltip>
  )
}

function SettingsFields({ form }: { form: ChatSettingsForm }) {
  return (
    <div className="grid gap-6">
      <SystemPromptField
        value={form.draft.systemPrompt}
        error={form.errors.systemPrompt}
        onChange={form.setSystemPrompt}
      />
      <TemperatureField
        value={form.draft.temperature}
        error={form.errors.temperature}
        onType={form.setTemperature}
        onSlide={form.slideTemperature}
        onReset={form.resetTemperature}
      />
    </div>
  )
}

function SettingsFooter({ form }: { form: ChatSettingsForm }) {
  return (
    <DialogFooter className="items-center sm:justify-between">
      <p className="hidden text-xs text-muted-foreground sm:block">
        <kbd className="font-sans">{isMac ? '⌘' : 'Ctrl+'}Enter</kbd> to save ·{' '}
        <kbd className="font-sans">Esc</kbd> to cancel
      </p>
      <div className="flex w-full flex-col-reverse gap-2 sm:w-auto sm:flex-row">
        <DialogClose asChild>
          <Button type="button" variant="outline">
            Cancel
          </Button>
        </DialogClose>
        <Button type="button" onClick={form.submit} disabled={!form.canSave}>
          Save
        </Button>
      </div>
    </DialogFooter>
  )
}
