import { describe, expect, test } from 'bun:test'
import { hostileIds } from '../../test/helpers/hostile-streams.ts'
import { addressProblem, roomOf } from './address.ts'

describe('roomOf', () => {
  test('distinct addresses never share a room, whatever their ids hold', () => {
    const rooms = new Map<string, string>()
    for (const stream of ['s', 's:a', 's\u0000a']) {
      for (const group of hostileIds) {
        for (const id of [undefined, ...hostileIds.slice(0, 12)]) {
          const room = roomOf(stream, group, id)
          const address = JSON.stringify([stream, group, id ?? null])
          expect(rooms.get(room) ?? address).toBe(address)
          rooms.set(room, address)
        }
      }
    }
    expect(rooms.size).toBe(3 * hostileIds.length * 13)
  })

  test('the classic collisions stay apart: a group whose name holds the separator, and an item of the shorter group', () => {
    expect(roomOf('s', 'a\u0000b')).not.toBe(roomOf('s', 'a', 'b'))
    expect(roomOf('s', 'a\u0000b', 'c')).not.toBe(roomOf('s', 'a', 'b\u0000c'))
    expect(roomOf('s:a', 'b')).not.toBe(roomOf('s', 'a:b'))
  })
})

describe('addressProblem', () => {
  test('every well-formed non-empty string is an address', () => {
    for (const id of hostileIds) expect(addressProblem({ groupId: id, id })).toBeUndefined()
  })

  test('empty, missing and non-string ids are named, with what was given', () => {
    expect(addressProblem({ groupId: '' })).toBe('groupId must be a non-empty string (got "")')
    expect(addressProblem({ groupId: 'g', id: undefined })).toBe('id must be a non-empty string (got nothing)')
    expect(addressProblem({ groupId: 'g', id: undefined }, ['id'])).toBeUndefined()
    expect(addressProblem({ 'data.groupId': 5 })).toBe('data.groupId must be a non-empty string (got 5)')
    expect(addressProblem({ groupId: 'y'.repeat(500) })).toBeUndefined()
    expect(addressProblem({ groupId: ['y'.repeat(500)] })).toMatch(/^groupId must be a non-empty string \(got \["y{58}…\)$/)
  })

  test('a lone surrogate is refused: stores would turn it and its twin into one U+FFFD', () => {
    for (const bad of ['\ud800', 'a\udc00', '\udbff\u0041']) expect(addressProblem({ id: bad })).toStartWith('id holds a lone UTF-16 surrogate')
    expect(addressProblem({ id: '\ud83d\ude00' })).toBeUndefined()
  })
})
