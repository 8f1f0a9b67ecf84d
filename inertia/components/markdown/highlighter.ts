/*
| Shiki, loaded on first use: the core, the JavaScript regex engine (no
| WebAssembly), two themes and a handful of languages, each language its own
| lazy chunk. Highlighted tokens are rendered as React elements whose colours
| are CSS variables set through the CSSOM, so the page's CSP needs nothing.
*/
import type { HighlighterCore, ThemedToken } from 'shiki/core'

const LANGUAGES = {
  bash: () => import('shiki/langs/bash.mjs'),
  c: () => import('shiki/langs/c.mjs'),
  cpp: () => import('shiki/langs/cpp.mjs'),
  css: () => import('shiki/langs/css.mjs'),
  diff: () => import('shiki/langs/diff.mjs'),
  go: () => import('shiki/langs/go.mjs'),
  html: () => import('shiki/langs/html.mjs'),
  java: () => import('shiki/langs/java.mjs'),
  javascript: () => import('shiki/langs/javascript.mjs'),
  json: () => import('shiki/langs/json.mjs'),
  jsx: () => import('shiki/langs/jsx.mjs'),
  markdown: () => import('shiki/langs/markdown.mjs'),
  php: () => import('shiki/langs/php.mjs'),
  python: () => import('shiki/langs/python.mjs'),
  ruby: () => import('shiki/langs/ruby.mjs'),
  rust: () => import('shiki/langs/rust.mjs'),
  sql: () => import('shiki/langs/sql.mjs'),
  tsx: () => import('shiki/langs/tsx.mjs'),
  typescript: () => import('shiki/langs/typescript.mjs'),
  yaml: () => import('shiki/langs/yaml.mjs'),
} as const

type Language = keyof typeof LANGUAGES

const ALIASES: Record<string, Language> = {
  'sh': 'bash',
  'shell': 'bash',
  'zsh': 'bash',
  'console': 'bash',
  'c++': 'cpp',
  'js': 'javascript',
  'mjs': 'javascript',
  'cjs': 'javascript',
  'ts': 'typescript',
  'mts': 'typescript',
  'md': 'markdown',
  'py': 'python',
  'rb': 'ruby',
  'rs': 'rust',
  'yml': 'yaml',
  'xml': 'html',
  'golang': 'go',
}

export const THEMES = { light: 'github-light', dark: 'github-dark' } as const

/** The Shiki language for a fence's info string, or null to show the code plainly. */
export function resolveLanguage(name: string | undefined): Language | null {
  if (!name) return null
  const key = name.toLowerCase()
  if (key in LANGUAGES) return key as Language
  return ALIASES[key] ?? null
}

let highlighter: Promise<HighlighterCore> | null = null
const loading = new Map<Language, Promise<void>>()

function loadHighlighter() {
  highlighter ??= (async () => {
    const [{ createHighlighterCore }, { createJavaScriptRegexEngine }, light, dark] =
      await Promise.all([
        import('shiki/core'),
        import('shiki/engine/javascript'),
        import('shiki/themes/github-light.mjs'),
        import('shiki/themes/github-dark.mjs'),
      ])
    return createHighlighterCore({
      themes: [light.default, dark.default],
      langs: [],
      engine: createJavaScriptRegexEngine(),
    })
  })()
  highlighter.catch(() => {
    highlighter = null
  })
  return highlighter
}

/** Loads Shiki and the language (once each). */
export async function highlighterFor(language: Language): Promise<HighlighterCore> {
  const core = await loadHighlighter()
  let ready = loading.get(language)
  if (!ready) {
    ready = LANGUAGES[language]().then((module) => core.loadLanguage(module.default))
    ready.catch(() => loading.delete(language))
    loading.set(language, ready)
  }
  await ready
  return core
}

export type { ThemedToken, Language }

/** Tokens with both themes' colours as CSS variables (--shiki-light / --shiki-dark). */
export function tokenize(core: HighlighterCore, code: string, language: Language) {
  return core.codeToTokens(code, { lang: language, themes: THEMES, defaultColor: false }).tokens
}
