import { test } from '@japa/runner'
import { splitMarkdownBlocks } from '#shared/chat/markdown_blocks'

test.group('splitMarkdownBlocks', () => {
  test('splits paragraphs, headings and tables at blank lines', ({ assert }) => {
    const text =
      '# Title\n\nFirst paragraph\nstill first.\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\nLast'
    assert.deepEqual(splitMarkdownBlocks(text), [
      '# Title',
      'First paragraph\nstill first.',
      '| a | b |\n|---|---|\n| 1 | 2 |',
      'Last',
    ])
  })

  test('keeps a fenced code block with blank lines in one block', ({ assert }) => {
    const text = 'Intro\n\n```ts\nconst a = 1\n\n\nconst b = 2\n```\n\nAfter'
    assert.deepEqual(splitMarkdownBlocks(text), [
      'Intro',
      '```ts\nconst a = 1\n\n\nconst b = 2\n```',
      'After',
    ])
  })

  test('a fence closes only with the same character and at least the same length', ({ assert }) => {
    const text = '````md\n```js\nx\n\n```\n````\n\nend'
    assert.deepEqual(splitMarkdownBlocks(text), ['````md\n```js\nx\n\n```\n````', 'end'])
    assert.deepEqual(splitMarkdownBlocks('~~~\n```\n\nstill code\n~~~'), [
      '~~~\n```\n\nstill code\n~~~',
    ])
  })

  test('an unclosed fence (a streaming answer) runs to the end', ({ assert }) => {
    assert.deepEqual(splitMarkdownBlocks('Look:\n\n```py\nprint(1)\n\nprint('), [
      'Look:',
      '```py\nprint(1)\n\nprint(',
    ])
  })

  test('keeps display maths with blank lines together; one-line $$ closes itself', ({ assert }) => {
    assert.deepEqual(splitMarkdownBlocks('$$\na = b\n\n+ c\n$$\n\ntext'), [
      '$$\na = b\n\n+ c\n$$',
      'text',
    ])
    assert.deepEqual(splitMarkdownBlocks('$$ x^2 $$\n\ntext'), ['$$ x^2 $$', 'text'])
  })

  test('a loose list and indented continuations stay one block', ({ assert }) => {
    const text = '- one\n\n- two\n\n  more about two\n\n1. a\n\n2. b\n\nparagraph'
    assert.deepEqual(splitMarkdownBlocks(text), [
      '- one\n\n- two\n\n  more about two\n\n1. a\n\n2. b',
      'paragraph',
    ])
  })

  test('finished blocks keep the same strings while the text grows', ({ assert }) => {
    const full = 'Para one.\n\n```js\nlet x = 1\n```\n\nPara three grows'
    const early = splitMarkdownBlocks(full.slice(0, full.length - 6))
    const late = splitMarkdownBlocks(full)
    assert.deepEqual(early.slice(0, 2), late.slice(0, 2))
    assert.equal(late[2], 'Para three grows')
  })

  test('empty and whitespace-only text have no blocks', ({ assert }) => {
    assert.deepEqual(splitMarkdownBlocks(''), [])
    assert.deepEqual(splitMarkdownBlocks('\n\n  \n'), [])
  })
})
