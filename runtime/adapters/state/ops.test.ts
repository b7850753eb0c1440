import { describe, expect, test } from 'bun:test'
import { applyUpdateOps, normalizePath } from './ops.ts'

describe('normalizePath', () => {
  test('splits dotted paths and turns digit segments into indexes', () => {
    expect(normalizePath('a.b.0')).toEqual(['a', 'b', 0])
  })

  test('refuses prototype segments, naming the path and the fix', () => {
    for (const path of ['__proto__', 'a.constructor', ['x', 'prototype']]) {
      expect(() => normalizePath(path)).toThrow(/is invalid: the segment "(__proto__|constructor|prototype)" is reserved because it would reach an object's prototype; use another key name/)
    }
  })

  test('digits beyond a safe integer stay a key', () => {
    expect(normalizePath('a.99999999999999999999')).toEqual(['a', '99999999999999999999'])
  })

  test('keeps array paths and treats empty as the root', () => {
    expect(normalizePath(['a.b', 1])).toEqual(['a.b', 1])
    expect(normalizePath('')).toEqual([])
    expect(normalizePath(undefined)).toEqual([])
  })
})

describe('applyUpdateOps', () => {
  test('does not mutate the input value', () => {
    const value = { n: 1 }
    expect(applyUpdateOps(value, [{ type: 'increment', path: 'n' }])).toEqual({ n: 2 })
    expect(value).toEqual({ n: 1 })
  })

  test('set without a path replaces the whole value', () => {
    expect(applyUpdateOps({ a: 1 }, [{ type: 'set', value: [1] }])).toEqual([1])
  })

  test('creates arrays for numeric segments', () => {
    expect(applyUpdateOps(undefined, [{ type: 'set', path: 'items.0', value: 'x' }])).toEqual({ items: ['x'] })
  })

  test('an error for an index past the end says where to append', () => {
    expect(() => applyUpdateOps({ items: [1, 2] }, [{ type: 'set', path: 'items.7', value: 3 }])).toThrow(
      'state update set on "items.7": index 7 is past the end of "items" (length 2): an update writes an existing element or appends at index 2; to use "7" as a key, make "items" an object first',
    )
  })

  test('remove of an index past the end changes nothing', () => {
    expect(applyUpdateOps({ items: [1] }, [{ type: 'remove', path: 'items.9' }])).toEqual({ items: [1] })
  })

  test('remove without a path deletes the value', () => {
    expect(applyUpdateOps({ a: 1 }, [{ type: 'remove', path: '' }])).toBeUndefined()
  })

  test('merge into a non-object names the path and what it found', () => {
    expect(() => applyUpdateOps({ tags: ['a'] }, [{ type: 'merge', path: 'tags', value: { b: 1 } }])).toThrow(
      'state update merge on "tags": merge needs an object or an absent value, found ["a"]',
    )
  })

  test('increment by a non-number is refused', () => {
    expect(() => applyUpdateOps({}, [{ type: 'increment', path: 'n', by: Number.NaN }])).toThrow(/finite number/)
  })

  test('writing below a primitive is refused', () => {
    expect(() => applyUpdateOps({ a: 5 }, [{ type: 'set', path: 'a.b', value: 1 }])).toThrow(/inside a number/)
  })

  test('an unknown op type is refused with the valid ones listed', () => {
    expect(() => applyUpdateOps({}, [{ type: 'push' } as never])).toThrow(/use set, merge, increment, decrement or remove/)
  })
})

test('a string segment in an array path makes an object key, not an array', () => {
  expect(applyUpdateOps(undefined, [{ type: 'increment', path: ['votes', '100000000'] }])).toEqual({ votes: { '100000000': 1 } })
})
