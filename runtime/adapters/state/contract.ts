/**
 * The behaviour every StateAdapter must show. Each implementation's test file calls this once:
 *
 * @example
 * testStateAdapter({ name: 'memory', create: () => createMemoryState() })
 */
import { describe, expect, test } from 'bun:test'
import { closedAfterEach } from '../../testing/fresh.ts'
import { MAX_PATH_DEPTH } from './ops.ts'
import type { StateAdapter, StatePath, UpdateOp } from './types.ts'
import { createStateManager } from '../../run/state-manager.ts'

export interface StateContractOptions {
  name: string
  /** A fresh, empty adapter. Called once per test; the suite closes it afterwards. */
  create: () => StateAdapter | Promise<StateAdapter>
}

// Long on purpose: a contract suite is one flat list of cases every implementation must pass.
export function testStateAdapter({ name, create }: StateContractOptions): void {
  describe(`StateAdapter contract: ${name}`, () => {
    const fresh = closedAfterEach(create)

    test('get of a missing key is undefined', async () => {
      const state = await fresh()
      expect(await state.get('users', 'nobody')).toBeUndefined()
    })

    test('set then get returns an equal value, not the same object', async () => {
      const state = await fresh()
      const value = { name: 'Ada', tags: ['a', 'b'], nested: { n: 1 } }
      await state.set('users', 'u1', value)
      const read = await state.get('users', 'u1')
      expect(read).toEqual(value)
      expect(read).not.toBe(value)
      value.nested.n = 99
      expect(await state.get('users', 'u1')).toEqual({ name: 'Ada', tags: ['a', 'b'], nested: { n: 1 } })
    })

    test('set reports the old and the new value', async () => {
      const state = await fresh()
      expect(await state.set('g', 'k', 1)).toEqual({ oldValue: undefined, newValue: 1 })
      expect(await state.set('g', 'k', 2)).toEqual({ oldValue: 1, newValue: 2 })
    })

    test('stores strings, numbers, booleans, null and arrays', async () => {
      const state = await fresh()
      for (const [key, value] of Object.entries({ s: 'text', n: 4.5, b: false, z: null, a: [1, 'two'] })) {
        await state.set('kinds', key, value)
        expect(await state.get('kinds', key)).toEqual(value)
      }
    })

    test('delete removes the key and reports the old value', async () => {
      const state = await fresh()
      await state.set('g', 'k', { a: 1 })
      expect(await state.delete('g', 'k')).toEqual({ oldValue: { a: 1 }, newValue: undefined })
      expect(await state.get('g', 'k')).toBeUndefined()
      expect(await state.delete('g', 'k')).toEqual({ oldValue: undefined, newValue: undefined })
    })

    test('groups are separate namespaces', async () => {
      const state = await fresh()
      await state.set('a', 'k', 1)
      await state.set('b', 'k', 2)
      expect(await state.get('a', 'k')).toBe(1)
      expect(await state.get('b', 'k')).toBe(2)
    })

    test('list returns every entry of a group', async () => {
      const state = await fresh()
      await state.set('g', 'x', 1)
      await state.set('g', 'y', { v: 2 })
      await state.set('other', 'z', 3)
      const entries = (await state.list('g')).sort((a, b) => a.key.localeCompare(b.key))
      expect(entries).toEqual([
        { key: 'x', value: 1 },
        { key: 'y', value: { v: 2 } },
      ])
      expect(await state.list('empty')).toEqual([])
    })

    test('listGroups names the groups that hold keys', async () => {
      const state = await fresh()
      await state.set('g1', 'k', 1)
      await state.set('g2', 'k', 1)
      await state.set('g3', 'k', 1)
      await state.delete('g3', 'k')
      expect((await state.listGroups()).sort()).toEqual(['g1', 'g2'])
    })

    test('clear removes a group and returns what it held', async () => {
      const state = await fresh()
      await state.set('g', 'x', 1)
      await state.set('g', 'y', 2)
      await state.set('keep', 'z', 3)
      const removed = (await state.clear('g')).sort((a, b) => a.key.localeCompare(b.key))
      expect(removed).toEqual([
        { key: 'x', value: 1 },
        { key: 'y', value: 2 },
      ])
      expect(await state.list('g')).toEqual([])
      expect(await state.get('keep', 'z')).toBe(3)
    })

    test('update applies set, merge, increment, decrement and remove on paths', async () => {
      const state = await fresh()
      await state.set('g', 'k', { profile: { name: 'Ada', old: true }, counts: { views: 1 }, list: [1, 2, 3] })
      const write = await state.update('g', 'k', [
        { type: 'set', path: 'profile.name', value: 'Grace' },
        { type: 'merge', path: 'profile', value: { city: 'Arlington' } },
        { type: 'increment', path: 'counts.views', by: 4 },
        { type: 'decrement', path: ['counts', 'likes'] },
        { type: 'remove', path: 'profile.old' },
        { type: 'remove', path: 'list.1' },
      ])
      const expected = { profile: { name: 'Grace', city: 'Arlington' }, counts: { views: 5, likes: -1 }, list: [1, 3] }
      expect(write.newValue).toEqual(expected)
      expect(write.oldValue).toEqual({ profile: { name: 'Ada', old: true }, counts: { views: 1 }, list: [1, 2, 3] })
      expect(await state.get('g', 'k')).toEqual(expected)
    })

    test('update of a missing key starts from nothing', async () => {
      const state = await fresh()
      expect(await state.update('g', 'counter', [{ type: 'increment' }])).toEqual({ oldValue: undefined, newValue: 1 })
      expect(await state.update('g', 'obj', [{ type: 'set', path: 'a.b', value: true }])).toEqual({
        oldValue: undefined,
        newValue: { a: { b: true } },
      })
    })

    test('an invalid update op throws and changes nothing', async () => {
      const state = await fresh()
      await state.set('g', 'k', { n: 'text', m: 1 })
      await expect(
        state.update('g', 'k', [
          { type: 'increment', path: 'm' },
          { type: 'increment', path: 'n' },
        ]),
      ).rejects.toThrow(/increment/)
      expect(await state.get('g', 'k')).toEqual({ n: 'text', m: 1 })
    })

    test('concurrent increments of one key are never lost', async () => {
      const state = await fresh()
      await Promise.all(Array.from({ length: 1000 }, () => state.update('g', 'hits', [{ type: 'increment', path: 'n' }])))
      expect(await state.get('g', 'hits')).toEqual({ n: 1000 })
    })

    test('no path segment reaches a prototype, whatever the op', async () => {
      const state = await fresh()
      await state.set('g', 'k', { votes: { yes: 1 } })
      const paths: StatePath[] = ['__proto__.polluted', 'votes.__proto__', 'votes.__proto__.polluted', 'constructor.prototype.polluted', 'votes.constructor', 'prototype', ['__proto__', 'polluted'], ['votes', 'constructor', 'prototype']]
      const ops = (path: StatePath): UpdateOp[] => [
        { type: 'increment', path },
        { type: 'decrement', path },
        { type: 'set', path, value: true },
        { type: 'merge', path, value: { polluted: true } },
        { type: 'remove', path },
      ]
      for (const path of paths) {
        for (const op of ops(path)) {
          const error = await failure(state.update('g', 'k', [op]))
          expect(error).toMatchObject({ code: 'STATE_PATH_INVALID', status: 400 })
          expect(error.message).toMatch(/reserved because it would reach an object's prototype/)
          const missing = await failure(state.update('g', 'fresh', [op]))
          expect(missing).toMatchObject({ code: 'STATE_PATH_INVALID', status: 400 })
        }
      }
      expectNoPollution()
      expect(await state.get('g', 'k')).toEqual({ votes: { yes: 1 } })
      expect(await state.get('g', 'fresh')).toBeUndefined()
    })

    test('own __proto__ keys in set and merge values are stored as plain data', async () => {
      const state = await fresh()
      const hostile = JSON.parse('{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},"n":1}')
      await state.set('g', 'k', hostile)
      await state.update('g', 'k', [
        { type: 'merge', value: JSON.parse('{"__proto__":{"polluted":"merged"},"m":2}') },
        { type: 'increment', path: 'n' },
      ])
      await state.update('g', 'other', [{ type: 'merge', path: 'inner', value: JSON.parse('{"__proto__":{"polluted":true}}') }])
      const read = (await state.get('g', 'k')) as Record<string, unknown>
      expect(Object.getPrototypeOf(read)).toBe(Object.prototype)
      expect(Object.hasOwn(read, '__proto__')).toBe(true)
      expect(read.polluted).toBeUndefined()
      expect(JSON.stringify(read)).toBe('{"__proto__":{"polluted":"merged"},"constructor":{"prototype":{"polluted":true}},"n":2,"m":2}')
      const listed = (await state.list('g')).map((entry) => entry.value as Record<string, unknown>)
      expect(listed.every((value) => Object.getPrototypeOf(value) === Object.prototype)).toBe(true)
      const inner = ((await state.get('g', 'other')) as { inner: Record<string, unknown> }).inner
      expect(Object.getPrototypeOf(inner)).toBe(Object.prototype)
      expect(Object.hasOwn(inner, '__proto__')).toBe(true)
      expectNoPollution()
    })

    test('inherited names such as toString are plain own keys', async () => {
      const state = await fresh()
      const write = await state.update('g', 'k', [
        { type: 'increment', path: 'votes.toString' },
        { type: 'increment', path: 'votes.hasOwnProperty', by: 2 },
        { type: 'merge', path: 'valueOf', value: { a: 1 } },
      ])
      expect(JSON.stringify(write.newValue)).toBe('{"votes":{"toString":1,"hasOwnProperty":2},"valueOf":{"a":1}}')
      expectNoPollution()
    })

    test('an index may only address an element or append one, so no update builds a huge array', async () => {
      const state = await fresh()
      await state.set('g', 'k', { items: ['a'] })
      expect((await state.update('g', 'k', [{ type: 'set', path: 'items.1', value: 'b' }])).newValue).toEqual({ items: ['a', 'b'] })
      expect((await state.update('g', 'k', [{ type: 'set', path: 'list.0', value: 1 }])).newValue).toEqual({ items: ['a', 'b'], list: [1] })
      const started = performance.now()
      for (const path of ['items.5', 'votes.100000000', 'list.3.x', 'a.50000000'] as const) {
        const error = await failure(state.update('g', 'k', [{ type: 'increment', path }]))
        expect(error).toMatchObject({ code: 'STATE_UPDATE_INVALID', status: 400 })
        expect(error.message).toMatch(/past the end of .*: an update writes an existing element or appends at index \d+/)
        expect((await failure(state.update('g', 'missing', [{ type: 'set', path, value: 1 }]))).message).toMatch(/past the end/)
      }
      expect((await failure(state.update('g', 'missing', [{ type: 'increment', path: '100000000' }]))).message).toMatch(/index 100000000 is past the end of "the value" \(length 0\)/)
      expect(await failure(state.update('g', 'k', [{ type: 'set', path: 'items.99999999999999999999', value: 1 }]))).toMatchObject({ status: 400 })
      // On an object a number is a key like any other.
      expect((await state.update('g', 'object', [{ type: 'set', value: {} }, { type: 'increment', path: '100000000' }])).newValue).toEqual({ '100000000': 1 })
      // Refused before any array was built: a 100-million-slot array takes seconds and gigabytes.
      expect(performance.now() - started).toBeLessThan(2000)
      expect(await state.get('g', 'k')).toEqual({ items: ['a', 'b'], list: [1] })
      expect(await state.get('g', 'missing')).toBeUndefined()
      expect((await state.list('g')).map((entry) => entry.key).sort()).toEqual(['k', 'object'])
    })

    test('an array takes only indexes; a string key on it is refused', async () => {
      const state = await fresh()
      await state.set('g', 'k', { list: [1, 2] })
      for (const op of [{ type: 'set', path: 'list.length', value: 1e9 }, { type: 'remove', path: 'list.length' }, { type: 'increment', path: 'list.x' }] as UpdateOp[]) {
        const error = await failure(state.update('g', 'k', [op]))
        expect(error).toMatchObject({ code: 'STATE_UPDATE_INVALID', status: 400 })
        expect(error.message).toMatch(/"list" is an array, which takes indexes/)
      }
      expect(await state.get('g', 'k')).toEqual({ list: [1, 2] })
    })

    test('a path deeper than MAX_PATH_DEPTH or with a non-index number is refused', async () => {
      const state = await fresh()
      const deep = Array.from({ length: MAX_PATH_DEPTH + 1 }, () => 'a').join('.')
      expect(await failure(state.update('g', 'k', [{ type: 'set', path: deep, value: 1 }]))).toMatchObject({ code: 'STATE_PATH_INVALID', status: 400 })
      expect(await failure(state.update('g', 'k', [{ type: 'set', path: ['a', -1], value: 1 }]))).toMatchObject({ code: 'STATE_PATH_INVALID' })
      expect(await failure(state.update('g', 'k', [{ type: 'set', path: ['a', 1.5], value: 1 }]))).toMatchObject({ code: 'STATE_PATH_INVALID' })
      expect(await failure(state.update('g', 'k', [{ type: 'set', path: [{}] as never, value: 1 }]))).toMatchObject({ code: 'STATE_PATH_INVALID' })
      const within = Array.from({ length: MAX_PATH_DEPTH }, () => 'a').join('.')
      await state.update('g', 'k', [{ type: 'set', path: within, value: 1 }])
      expect(await state.get('g', 'k')).toBeDefined()
    })

    test('keys and groups may contain any characters', async () => {
      const state = await fresh()
      const group = 'users:eu/west "quoted"'
      const key = 'a.b:c/d %_ *'
      await state.set(group, key, 'v')
      expect(await state.get(group, key)).toBe('v')
      expect(await state.list(group)).toEqual([{ key, value: 'v' }])
    })

    test('a lone surrogate in a group or key is refused alike by every operation, so no two addresses share a row', async () => {
      const state = await fresh()
      const lone = 'a\uD800b'
      for (const attempt of [
        () => state.set(lone, 'k', 1),
        () => state.set('g', lone, 1),
        () => state.get('g', lone),
        () => state.update('g', lone, [{ type: 'increment', path: 'n' }]),
        () => state.delete(lone, 'k'),
        () => state.list(lone),
        () => state.clear(lone),
      ]) {
        expect(await failure(attempt())).toMatchObject({ code: 'STATE_KEY_INVALID', status: 400 })
      }
      // The character a store would turn it into is an ordinary key of its own.
      await state.set('g', 'a\uFFFDb', 'kept')
      expect(await state.list('g')).toEqual([{ key: 'a\uFFFDb', value: 'kept' }])
      expect(await state.listGroups()).toEqual(['g'])
    })
  })

  // What handlers see over this adapter (ctx.state), in Motia's shape.
  describe(`handler state API over ${name}`, () => {
    const fresh = closedAfterEach(create)
    const sorted = <T>(values: T[]) => values.sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)))

    test('list returns the values of a group (T[]), as in Motia', async () => {
      const state = createStateManager(await fresh(), () => {}, () => {})
      await state.set('users', 'a', { name: 'Ann' })
      await state.set('users', 'b', { name: 'Bob' })
      expect(sorted(await state.list<{ name: string }>('users'))).toEqual([{ name: 'Ann' }, { name: 'Bob' }])
      expect(await state.list('empty')).toEqual([])
    })

    test('getGroup is list under Motia 0.x name; entries keeps the { key, value } pairs', async () => {
      const state = createStateManager(await fresh(), () => {}, () => {})
      await state.set('users', 'a', 1)
      await state.set('users', 'b', 2)
      expect(sorted(await state.getGroup('users'))).toEqual([1, 2])
      expect(sorted(await state.entries('users'))).toEqual([
        { key: 'a', value: 1 },
        { key: 'b', value: 2 },
      ])
    })
  })
}

// --- internal ---

async function failure(promise: Promise<unknown>): Promise<Error & { code?: string; status?: number }> {
  const outcome = await promise.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  )
  if (!('error' in outcome)) throw new Error(`expected a refusal, got ${JSON.stringify(outcome.value)}`)
  return outcome.error as Error & { code?: string; status?: number }
}

/** Nothing was written into the prototypes a path could have reached. */
function expectNoPollution(): void {
  expect(Object.getOwnPropertyNames(Object.prototype).filter((name) => !builtinObjectKeys.has(name))).toEqual([])
  expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  expect(Object.getOwnPropertyNames(Array.prototype).filter((name) => !builtinArrayKeys.has(name))).toEqual([])
}

const builtinObjectKeys = new Set(Object.getOwnPropertyNames(Object.prototype))
const builtinArrayKeys = new Set(Object.getOwnPropertyNames(Array.prototype))
