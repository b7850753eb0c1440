import { expect, test } from 'bun:test'
import { createRunStats } from './run-stats.ts'

const run = (step: string, traceId = 't') => ({ step: { name: step }, ctx: { traceId } }) as never
const ok = (endedAt = 1000) => ({ ok: true as const, output: undefined, durationMs: 2, endedAt })

test('a step keeps its counts and its newest runs, newest first', () => {
  const stats = createRunStats({ recentPerStep: 3 })
  for (let n = 1; n <= 5; n++) stats.record(run('A', `t${n}`), ok(n))
  stats.record(run('A', 't6'), { ok: false, error: new Error('boom'), durationMs: 1, endedAt: 6 })
  stats.record(run('B'), ok())
  const a = stats.of('A')
  expect(a).toMatchObject({ runs: 6, errors: 1, last: { traceId: 't6', ok: false, error: 'boom', at: 6 } })
  expect(a.recent.map((r) => r.traceId)).toEqual(['t6', 't5', 't4'])
  expect(stats.of('B')).toMatchObject({ runs: 1, errors: 0, recent: [{ step: 'B', ok: true, durationMs: 2 }] })
  expect(stats.of('never ran')).toEqual({ runs: 0, errors: 0, recent: [] })
})

test('a reader reads the runs since its cursor, the newest max of them', () => {
  const stats = createRunStats({ liveCapacity: 8 })
  let cursor = stats.cursor()
  for (let n = 0; n < 3; n++) stats.record(run('A', `a${n}`), ok())
  let read = stats.since(cursor, 10)
  expect(read.runs.map((r) => r.traceId)).toEqual(['a0', 'a1', 'a2'])
  cursor = read.cursor
  // 12 runs: more than asked for (5) and more than the ring holds (8).
  for (let n = 0; n < 12; n++) stats.record(run('A', `b${n}`), ok())
  read = stats.since(cursor, 5)
  expect(read.runs.map((r) => r.traceId)).toEqual(['b7', 'b8', 'b9', 'b10', 'b11'])
  expect(stats.since(read.cursor, 5)).toEqual({ runs: [], cursor: read.cursor })
  expect(stats.total()).toBe(15)
})

test('readers are woken once per batch of runs, and a reader that joins is woken by the next run', () => {
  const stats = createRunStats()
  let first = 0
  let second = 0
  const stopFirst = stats.listen(() => first++)
  for (let n = 0; n < 5; n++) stats.record(run('A'), ok())
  expect(first).toBe(1)
  // The first reader has not read yet; the second still hears the next run.
  stats.listen(() => second++)
  stats.record(run('A'), ok())
  expect([first, second]).toEqual([2, 1])
  stats.since(0, 100)
  stats.record(run('A'), ok())
  stats.record(run('A'), ok())
  expect([first, second]).toEqual([3, 2])
  stopFirst()
  stats.since(0, 100)
  stats.record(run('A'), ok())
  expect([first, second]).toEqual([3, 3])
})

test('counts are exact while only keptPerSecond successful runs a second are kept, and every failed one', () => {
  const stats = createRunStats({ keptPerSecond: 3 })
  // Ten successes and two failures within one second, then one success in the next.
  for (let n = 0; n < 10; n++) stats.record(run('A', `ok${n}`), ok(5000 + n))
  stats.record(run('A', 'bad1'), { ok: false, error: 'no', durationMs: 1, endedAt: 5500 })
  stats.record(run('A', 'bad2'), { ok: false, error: new Error('no'), durationMs: 1, endedAt: 5600 })
  stats.record(run('A', 'next'), ok(6000))
  const a = stats.of('A')
  expect(a).toMatchObject({ runs: 13, errors: 2, last: { traceId: 'next' } })
  expect(a.recent.map((r) => r.traceId)).toEqual(['next', 'bad2', 'bad1', 'ok2', 'ok1', 'ok0'])
  expect(stats.total()).toBe(13)
  expect(stats.since(0, 100).runs).toHaveLength(6)
})
