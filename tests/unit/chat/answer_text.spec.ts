import { test } from '@japa/runner'
import { AnswerText } from '#chat/services/answer_text'

/*
| A running answer's text kept in off-heap buffers: what comes back (the
| whole text, any range, each kept delta) must be exactly the string that
| `+=` of the deltas would have built, across buffer boundaries and for any
| UTF-16 content, lone surrogate halves included.
*/
function appendAll(deltas: string[]) {
  const text = new AnswerText()
  for (const delta of deltas) text.append(delta)
  return text
}

test.group('AnswerText', () => {
  test('gives back the joined deltas, their length and any range', ({ assert }) => {
    const deltas = ['Hel', 'lo', ', ', 'wör', 'ld', ' ☕', '!', '', ' 𝄞 end']
    const joined = deltas.join('')
    const text = appendAll(deltas)
    assert.equal(text.toString(), joined)
    assert.equal(text.length, joined.length)
    for (const [start, end] of [
      [0, 0],
      [0, 3],
      [3, 9],
      [5, joined.length],
    ]) {
      assert.equal(text.slice(start, end), joined.slice(start, end))
    }
  })

  test('deltas and ranges crossing 4,096-unit buffers come back whole', ({ assert }) => {
    // Deltas of 1 to 5,000 units, two-byte characters among them, over several buffers.
    const deltas: string[] = []
    for (let index = 0; deltas.join('').length < 20_000; index++) {
      const size = [1, 7, 4_095, 5_000, 3][index % 5]
      deltas.push((index % 2 ? 'é' : 'a').repeat(size - 1) + String(index % 10))
    }
    const joined = deltas.join('')
    const text = appendAll(deltas)
    assert.equal(text.toString(), joined)
    assert.equal(text.slice(4_090, 8_200), joined.slice(4_090, 8_200))
    assert.equal(text.slice(4_096, 8_192), joined.slice(4_096, 8_192))
    deltas.forEach((delta, index) => assert.equal(text.delta(index), delta))
  })

  test('one byte a unit until a wider one arrives, then two: nothing changes', ({ assert }) => {
    // Latin-1 over two buffers, then a character above U+00FF, then more of both.
    const deltas = ['é'.repeat(5_000), 'caf', 'é ', '☕', ' ok ', 'ü'.repeat(4_000), '€']
    const text = appendAll(deltas.slice(0, 3))
    text.dropDeltas(1)
    for (const delta of deltas.slice(3)) text.append(delta)
    const joined = deltas.join('')
    assert.equal(text.toString(), joined)
    assert.equal(text.length, joined.length)
    assert.equal(text.slice(4_000, 9_100), joined.slice(4_000, 9_100))
    deltas.slice(1).forEach((delta, index) => assert.equal(text.delta(index), delta))
  })

  test('a surrogate pair split between two deltas and two buffers is kept', ({ assert }) => {
    const clef = '𝄞' // '\uD834\uDD1E'
    const deltas = ['x'.repeat(4_095) + clef[0], clef[1] + ' after']
    const text = appendAll(deltas)
    assert.equal(text.toString(), deltas.join(''))
    assert.equal(text.toString().slice(4_095, 4_097), clef)
    assert.equal(text.delta(0), deltas[0])
    assert.equal(text.delta(1), deltas[1])
  })

  test('dropping deltas keeps the text and shifts the kept ones', ({ assert }) => {
    const deltas = Array.from({ length: 200 }, (_, index) => `t${index} `)
    const text = appendAll(deltas)
    assert.equal(text.deltaCount, 200)
    text.dropDeltas(150)
    assert.equal(text.deltaCount, 50)
    assert.equal(text.delta(0), deltas[150])
    assert.equal(text.delta(49), deltas[199])
    text.append('more')
    assert.equal(text.delta(50), 'more')
    // More than are kept: all of them, and no further.
    text.dropDeltas(500)
    assert.equal(text.deltaCount, 0)
    text.append('last')
    assert.equal(text.delta(0), 'last')
    assert.equal(text.toString(), deltas.join('') + 'morelast')
  })
})
