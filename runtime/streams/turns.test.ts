import { expect, test } from 'bun:test'
import { createTurns } from './turns.ts'

const nextTurn = () => new Promise((resolve) => setImmediate(resolve))

test('a turn gives out its budget, then work waits for the next turn, in the order it came', async () => {
  const turns = createTurns(3)
  const ran: string[] = []
  expect([turns.take(), turns.take(), turns.take(), turns.take()]).toEqual([true, true, true, false])
  for (const name of ['a', 'b', 'c', 'd', 'e']) turns.later(() => ran.push(name))
  expect(ran).toEqual([])
  await nextTurn()
  expect(ran).toEqual(['a', 'b', 'c'])
  await nextTurn()
  expect(ran).toEqual(['a', 'b', 'c', 'd', 'e'])
})

test('nothing jumps the queue: take is refused while work waits, even with budget left', async () => {
  const turns = createTurns(2)
  turns.take()
  turns.take()
  const ran: number[] = []
  turns.later(() => ran.push(1))
  await nextTurn()
  expect(ran).toEqual([1])
  // One unit left this turn and nothing queued: taken at once.
  expect(turns.take()).toBe(true)
})

test('turn() resolves at once while the budget lasts, and in later turns after', async () => {
  const turns = createTurns(2)
  const order: number[] = []
  const all = Array.from({ length: 5 }, (_, i) => turns.turn().then(() => order.push(i)))
  await Promise.resolve()
  expect(order).toEqual([0, 1])
  await Promise.all(all)
  expect(order).toEqual([0, 1, 2, 3, 4])
})

test('a long queue drains completely without quadratic cost (100 000 items)', async () => {
  const turns = createTurns(1000)
  let ran = 0
  for (let i = 0; i < 100_000; i++) turns.later(() => ran++)
  while (ran < 100_000) await nextTurn()
  expect(ran).toBe(100_000)
})
