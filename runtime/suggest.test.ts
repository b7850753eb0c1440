import { describe, expect, test } from 'bun:test'
import { closest } from './suggest.ts'

describe('closest', () => {
  test('a typo finds the name it misspells', () => {
    expect(closest('order-creatd', ['order-created', 'order-paid'])).toBe('order-created')
    expect(closest('expresion', ['expression', 'timezone'])).toBe('expression')
    expect(closest('queu', ['http', 'queue', 'cron'])).toBe('queue')
  })

  test('swapped letters count as one edit', () => {
    expect(closest('ordre-paid', ['order-paid'])).toBe('order-paid')
  })

  test('separators and case do not matter', () => {
    expect(closest('orderCreated', ['order-created', 'orders'])).toBe('order-created')
    expect(closest('ORDER.CREATED', ['order-created'])).toBe('order-created')
  })

  test('nothing near enough: undefined, never the word itself', () => {
    expect(closest('invoice-sent', ['order-created', 'order-paid'])).toBeUndefined()
    expect(closest('a', ['b'])).toBeUndefined()
    expect(closest('ab', ['xy'])).toBeUndefined()
    expect(closest('same', ['same'])).toBeUndefined()
    expect(closest('x', [])).toBeUndefined()
  })

  test('a huge name costs no quadratic work', () => {
    const huge = 'x'.repeat(1_000_000)
    expect(closest(huge, ['order-created', `${huge}y`])).toBeUndefined()
  })
})
