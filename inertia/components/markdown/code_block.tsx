import { memo, useEffect, useMemo, useState, type CSSProperties } from 'react'
import { CopyButton } from '~/components/markdown/copy_button'
import {
  highlighterFor,
  resolveLanguage,
  tokenize,
  type Language,
} from '~/components/markdown/highlighter'
import type { HighlighterCore } from 'shiki/core'

/*
| A fenced code block: language label, copy button, and Shiki colours once the
| highlighter has loaded (plain text until then, and for unknown languages).
| After the first load highlighting is synchronous, so a block that grows
| while an answer streams never falls back to plain text between tokens.
*/
export const CodeBlock = memo(function CodeBlock({
  code,
  language: languageName,
}: {
  code: string
  language?: string
}) {
  const language = resolveLanguage(languageName)
  const [core, setCore] = useState<{ language: Language; core: HighlighterCore } | null>(null)

  useEffect(() => {
    if (!language) return
    let live = true
    highlighterFor(language)
      .then((loaded) => live && setCore({ language, core: loaded }))
      .catch(() => {
        // Highlighting is an extra: the plain code stays readable.
      })
    return () => {
      live = false
    }
  }, [language])

  const lines = useMemo(() => {
    if (!core || core.language !== language) return null
    try {
      return tokenize(core.core, code, core.language)
    } catch {
      return null
    }
  }, [core, code, language])

  return (
    <div
      className="group/code my-4 overflow-hidden rounded-xl border border-border bg-muted/40 first:mt-0 last:mb-0"
      data-testid="code-block"
      data-language={language ?? languageName ?? ''}
    >
      <div className="flex h-9 items-center justify-between border-b border-border/70 pr-1.5 pl-4 text-xs text-muted-foreground">
        <span className="font-mono">{languageName || 'text'}</span>
        <CopyButton text={code} label="Copy code" testId="copy-code" />
      </div>
      <pre className="overflow-x-auto px-4 py-3 font-mono text-[13px] leading-relaxed">
        <code
          data-highlighted={lines ? 'true' : undefined}
          className="[&_span]:text-(--shiki-light) dark:[&_span]:text-(--shiki-dark)"
        >
          {lines
            ? lines.map((line, index) => (
                <span key={index} className="line">
                  {line.map((token, tokenIndex) => (
                    <span key={tokenIndex} style={token.htmlStyle as CSSProperties | undefined}>
                      {token.content}
                    </span>
                  ))}
                  {index < lines.length - 1 ? '\n' : null}
                </span>
              ))
            : code}
        </code>
      </pre>
    </div>
  )
})
