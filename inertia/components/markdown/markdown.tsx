import 'katex/dist/katex.min.css'
import { memo, useMemo, type ComponentPropsWithoutRef } from 'react'
import ReactMarkdown, { type Components } from 'react-markdown'
import rehypeKatex from 'rehype-katex'
import remarkGfm from 'remark-gfm'
import remarkMath from 'remark-math'
import type { Element, ElementContent } from 'hast'
import { CodeBlock } from '~/components/markdown/code_block'
import { splitMarkdownBlocks } from '#shared/chat/markdown_blocks'
import { cn } from '~/lib/utils'

function textOf(nodes: ElementContent[]): string {
  return nodes
    .map((node) =>
      node.type === 'text' ? node.value : node.type === 'element' ? textOf(node.children) : ''
    )
    .join('')
}

function languageOf(element: Element): string | undefined {
  const classes = element.properties.className
  const list = Array.isArray(classes) ? classes.map(String) : []
  return list.find((name) => name.startsWith('language-'))?.slice('language-'.length)
}

const components: Components = {
  pre({ node }) {
    const code = node?.children.find(
      (child): child is Element => child.type === 'element' && child.tagName === 'code'
    )
    if (!code) return null
    return <CodeBlock code={textOf(code.children).replace(/\n$/, '')} language={languageOf(code)} />
  },
  code({ node: _node, className, ...props }) {
    return (
      <code
        className={cn('rounded-md bg-muted px-1.5 py-0.5 font-mono text-[0.875em]', className)}
        {...props}
      />
    )
  },
  /* Links leave the app in a new tab, with no handle back to this page. */
  a({ node: _node, href, children, ...props }) {
    return (
      <a
        {...props}
        href={href}
        target="_blank"
        rel="noopener noreferrer nofollow"
        className="font-medium text-primary underline underline-offset-4 hover:no-underline"
      >
        {children}
      </a>
    )
  },
  /*
  | Images from an answer would load from anywhere (a tracking pixel, and a CSP
  | violation, since img-src is our origin): shown as a link instead.
  */
  img({ src, alt }) {
    if (typeof src !== 'string' || !src) return <span>{alt}</span>
    return (
      <a
        href={src}
        target="_blank"
        rel="noopener noreferrer nofollow"
        className="font-medium text-primary underline underline-offset-4"
      >
        {alt || src}
      </a>
    )
  },
  h1: (props) => <Heading as="h1" className="mt-6 mb-3 text-2xl" {...props} />,
  h2: (props) => <Heading as="h2" className="mt-6 mb-3 text-xl" {...props} />,
  h3: (props) => <Heading as="h3" className="mt-5 mb-2 text-lg" {...props} />,
  h4: (props) => <Heading as="h4" className="mt-4 mb-2 text-base" {...props} />,
  p: ({ node: _node, ...props }) => <p className="my-3 first:mt-0 last:mb-0" {...props} />,
  ul: ({ node: _node, ...props }) => (
    <ul className="my-3 list-disc pl-6 first:mt-0 last:mb-0 [&_ul]:my-1" {...props} />
  ),
  ol: ({ node: _node, ...props }) => (
    <ol className="my-3 list-decimal pl-6 first:mt-0 last:mb-0 [&_ol]:my-1" {...props} />
  ),
  li: ({ node: _node, ...props }) => <li className="my-1 pl-1 marker:text-muted-foreground" {...props} />,
  blockquote: ({ node: _node, ...props }) => (
    <blockquote className="my-3 border-l-2 border-border pl-4 text-muted-foreground" {...props} />
  ),
  hr: () => <hr className="my-6 border-border" />,
  table: ({ node: _node, ...props }) => (
    <div className="my-4 overflow-x-auto rounded-lg border border-border first:mt-0 last:mb-0">
      <table className="w-full border-collapse text-sm" {...props} />
    </div>
  ),
  th: ({ node: _node, ...props }) => (
    <th className="border-b border-border bg-muted/50 px-3 py-2 text-left font-semibold" {...props} />
  ),
  td: ({ node: _node, ...props }) => (
    <td className="border-b border-border/60 px-3 py-2 align-top" {...props} />
  ),
}

function Heading({
  as: Tag,
  node: _node,
  className,
  ...props
}: ComponentPropsWithoutRef<'h1'> & { as: 'h1' | 'h2' | 'h3' | 'h4'; node?: unknown }) {
  return (
    <Tag
      className={cn('font-semibold tracking-tight first:mt-0', className)}
      {...props}
    />
  )
}

const remarkPlugins = [remarkGfm, remarkMath]
const rehypePlugins = [[rehypeKatex, { throwOnError: false, strict: 'ignore' }] as const]

/* One top-level block; memoized on its source, so finished blocks skip re-rendering. */
const MarkdownBlock = memo(function MarkdownBlock({ source }: { source: string }) {
  return (
    <ReactMarkdown
      remarkPlugins={remarkPlugins}
      rehypePlugins={rehypePlugins as never}
      components={components}
    >
      {source}
    </ReactMarkdown>
  )
})

/**
 * Markdown of a message: GFM (tables, task lists, strikethrough, autolinks), KaTeX maths
 * ($…$, $$…$$) and Shiki code blocks. Split into top-level blocks so a streaming answer only
 * re-parses its last block per token.
 */
export const Markdown = memo(function Markdown({
  text,
  className,
}: {
  text: string
  className?: string
}) {
  const blocks = useMemo(() => splitMarkdownBlocks(text), [text])
  return (
    <div className={cn('markdown break-words', className)} data-testid="markdown">
      {blocks.map((block, index) => (
        <MarkdownBlock key={index} source={block} />
      ))}
    </div>
  )
})
