import { expect, test } from 'bun:test'
import { ActiveRun, RunList, describeRuns, type RunBook, type RunStart } from './active-run.ts'

function runOf(name: string): ActiveRun {
  const book = { traces: {}, observe: undefined, settled: () => {} } as unknown as RunBook
  const start = { step: { name }, trigger: { type: 'queue' }, input: undefined, traceId: 't', span: 0, attempt: 1, startedAt: 0 } as unknown as RunStart
  return new ActiveRun(book, start)
}

test('a RunList keeps runs in the order they started, whichever ends first', () => {
  const list = new RunList()
  const [a, b, c, d] = ['A', 'B', 'C', 'D'].map(runOf) as [ActiveRun, ActiveRun, ActiveRun, ActiveRun]
  for (const run of [a, b, c, d]) list.add(run)
  list.delete(b)
  list.delete(d)
  list.add(b)
  list.delete(a)
  expect([...list].map((run) => run.step.name)).toEqual(['C', 'B'])
  expect(list.size).toBe(2)
  expect(describeRuns(list)).toBe('2 handler(s): C (queue), B (queue)')
})

test('a RunList is empty again once every run ended', () => {
  const list = new RunList()
  const runs = ['A', 'B', 'C'].map(runOf)
  for (const run of runs) list.add(run)
  for (const run of runs) list.delete(run)
  expect([...list]).toEqual([])
  expect(list.size).toBe(0)
})
