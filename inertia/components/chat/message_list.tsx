import { ThreadPrimitive, unstable_useThreadMessageIds } from '@assistant-ui/react'
import { useVirtualizer } from '@tanstack/react-virtual'
import { ScissorsIcon } from 'lucide-react'
import { useEffect, useLayoutEffect, useRef, useState, type RefObject } from 'react'
import { AssistantMessage, UserMessage } from '~/components/chat/message_items'

const components = { UserMessage, AssistantMessage }

/* A first guess at a message's height; each row is measured once rendered. */
const ESTIMATED_ROW_PX = 140
/* How close to the end still counts as "at the bottom". */
const BOTTOM_SLACK_PX = 80

/*
| The thread's messages, virtualized: only the rows in (and a little around)
| the viewport are in the DOM, so a chat of thousands of messages scrolls and
| streams as fast as a short one. Rows are assistant-ui messages by id, so
| each keeps its message context (state, actions) while being windowed.
| Positions are set through React's style prop (the CSSOM), which the CSP
| does not restrict.
*/
export function MessageList({
  viewportRef,
  contextStartId = null,
}: {
  viewportRef: RefObject<HTMLElement | null>
  /** The oldest message the model was given, when earlier ones had to be left out. */
  contextStartId?: string | null
}) {
  /*
  | The runtime's own ids, not our path: the runtime takes in a new path one
  | render later, and a row for a message it does not know yet must not be
  | asked for (MessageById renders nothing for an unknown id).
  */
  const ids = unstable_useThreadMessageIds()
  const listRef = useRef<HTMLDivElement>(null)
  /*
  | The viewport (our parent) attaches its ref after our own layout effects
  | have run; a passive effect sees it, and the state change re-renders the
  | virtualizer with its scroll element.
  */
  const [scrollElement, setScrollElement] = useState<HTMLElement | null>(null)
  useEffect(() => setScrollElement(viewportRef.current), [viewportRef])
  const virtualizer = useVirtualizer({
    count: ids.length,
    getScrollElement: () => scrollElement,
    estimateSize: () => ESTIMATED_ROW_PX,
    getItemKey: (index) => ids[index] ?? index,
    overscan: 6,
    scrollMargin: listRef.current?.offsetTop ?? 0,
  })

  /*
  | Open at the latest message, and stay there while messages keep arriving
  | (a chat still syncing in pages, another device's message): rows added
  | while the reader was at the bottom bring the view along. Once they scroll
  | up, new rows no longer move it.
  */
  const opened = useRef(false)
  const atBottom = useRef(true)
  useEffect(() => {
    if (!scrollElement) return
    const onScroll = () => {
      const { scrollTop, scrollHeight, clientHeight } = scrollElement
      atBottom.current = scrollHeight - scrollTop - clientHeight < BOTTOM_SLACK_PX
    }
    scrollElement.addEventListener('scroll', onScroll, { passive: true })
    return () => scrollElement.removeEventListener('scroll', onScroll)
  }, [scrollElement])
  useLayoutEffect(() => {
    if (ids.length === 0 || !scrollElement) return
    if (opened.current && !atBottom.current) return
    opened.current = true
    virtualizer.scrollToIndex(ids.length - 1, { align: 'end' })
  }, [ids.length, virtualizer, scrollElement])

  const items = virtualizer.getVirtualItems()
  const scrollMargin = virtualizer.options.scrollMargin

  return (
    <div
      ref={listRef}
      className="relative w-full"
      data-testid="message-list"
      data-count={ids.length}
      style={{ height: virtualizer.getTotalSize() }}
    >
      {items.map((item) => (
        <div
          key={item.key}
          data-index={item.index}
          ref={virtualizer.measureElement}
          className="absolute top-0 left-0 w-full pb-6"
          style={{ transform: `translateY(${item.start - scrollMargin}px)` }}
        >
          {contextStartId !== null && ids[item.index] === contextStartId && (
            <ContextTrimMarker />
          )}
          <ThreadPrimitive.Unstable_MessageById
            messageId={ids[item.index]}
            components={components}
          />
        </div>
      ))}
    </div>
  )
}

/*
| The cut: the messages above it did not fit the model's context window with
| the latest answer, so the model did not see them.
*/
function ContextTrimMarker() {
  return (
    <div
      role="note"
      data-testid="context-trim-marker"
      title="This conversation is longer than the model’s context window: it only read the messages below this line."
      className="mb-6 flex items-center gap-3 text-xs text-muted-foreground"
    >
      <span className="h-px flex-1 bg-border" aria-hidden="true" />
      <span className="flex items-center gap-1.5">
        <ScissorsIcon className="size-3.5 shrink-0" aria-hidden="true" />
        Earlier messages aren’t sent to the model: context limit
      </span>
      <span className="h-px flex-1 bg-border" aria-hidden="true" />
    </div>
  )
}
