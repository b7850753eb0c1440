/**
 * The embedded queue when things go wrong underneath it: superseded attempts, rows that cannot be
 * written or read, and a store that stops taking writes (full disk, read-only file).
 */
import { Database } from 'bun:sqlite'
import { afterEach, describe, expect, test } from 'bun:test'
import { tempDatabases } from '../../../test/helpers/temp-db.ts'
import { MotiaError, NonRetriableError } from '../../errors.ts'
import { waitFor } from '../../testing/wait.ts'
import { openDatabase } from '../sqlite/database.ts'
import { consumeOptions } from './contract.ts'
import { createSqliteQueue } from './sqlite.ts'
import type { DeadLetter, QueueAdapter } from './types.ts'

const tempDb = tempDatabases('motia-queue-fail-')
let opened: QueueAdapter[] = []
let releases: Array<() => void> = []

afterEach(async () => {
  for (const release of releases.splice(0)) release()
  await Promise.all(opened.splice(0).map((queue) => queue.close()))
})

/** A queue that is closed after the test, with warnings collected. */
function open(path: string, options: { pollIntervalMs?: number } = {}) {
  const warnings: string[] = []
  const queue = createSqliteQueue({ path, onWarning: (message) => warnings.push(message), ...options })
  opened.push(queue)
  return { queue, warnings }
}

/** The connection the queue at `path` shares, to break it the way a full disk would. */
function sharedConnection(path: string): Database {
  const shared = openDatabase(path)
  releases.push(() => shared.release())
  return shared.db
}

describe('sqlite queue: late outcomes', () => {
  test('an attempt whose lease ran out cannot dead-letter the copy that its successor completed', async () => {
    const { queue } = open(tempDb(), { pollIntervalMs: 10 })
    const first = Promise.withResolvers<void>()
    const runs: number[] = []
    let lateFailed = false
    await queue.consume(consumeOptions('late', 'a', { visibilityTimeoutMs: 60, timeoutMs: 60_000, maxRetries: 1, concurrency: 2 }), async (message) => {
      runs.push(message.attempt)
      if (message.attempt > 1) return
      await first.promise
      lateFailed = true
      throw new NonRetriableError('reported too late')
    })
    await queue.publish('late', ['a'], 1, { traceId: 't' })
    await waitFor(async () => runs.length === 2 && (await queue.depth('late', 'a')) === 0)
    first.resolve()
    await waitFor(() => lateFailed)
    await Bun.sleep(30)
    expect(await queue.deadLetters()).toEqual([])
    expect(runs).toEqual([1, 2])
  })
})

describe('sqlite queue: rows that cannot be written or read', () => {
  test('a batch that fails is written again row by row, so only the bad publish fails', async () => {
    const path = tempDb()
    const { queue } = open(path)
    await queue.depth('poisoned', 'a')
    // A row SQLite itself refuses, past every check the adapter makes.
    const other = new Database(path)
    other.run(`CREATE TRIGGER refuse_poison BEFORE INSERT ON motia_queue WHEN NEW.data = '"poison"' BEGIN SELECT RAISE(ABORT, 'poison row'); END`)
    other.close()
    const seen = new Set<unknown>()
    await queue.consume(consumeOptions('poisoned', 'a'), async (message) => void seen.add(message.data))
    const outcomes = await Promise.allSettled(Array.from({ length: 50 }, (_, n) => queue.publish('poisoned', ['a'], n === 10 ? 'poison' : n, { traceId: 't' })))
    const refused = outcomes.flatMap((outcome, n) => (outcome.status === 'rejected' ? [[n, String(outcome.reason?.message)]] : []))
    expect(refused).toEqual([[10, 'poison row']])
    await waitFor(() => seen.size === 49)
  })

  test('a stored row whose data is not JSON is dead-lettered with the parse error, and the queue goes on', async () => {
    const path = tempDb()
    const { queue } = open(path)
    await queue.publish('mixed', ['a'], 'good', { traceId: 't' })
    const other = new Database(path)
    other.run(`INSERT INTO motia_queue (topic, step, data, trace_id, enqueued_at, visible_at) VALUES ('mixed', 'a', '{not json', 't-bad', 0, 0)`)
    other.close()
    await queue.publish('mixed', ['a'], 'after', { traceId: 't' })
    const seen: unknown[] = []
    const told: DeadLetter[] = []
    await queue.consume(consumeOptions('mixed', 'a', { onDeadLetter: (letter) => told.push(letter) }), async (message) => void seen.push(message.data))
    await waitFor(async () => seen.length === 2 && (await queue.deadLetters()).length === 1)
    expect(seen.sort()).toEqual(['after', 'good'])
    const [letter] = await queue.deadLetters()
    expect(letter).toMatchObject({ topic: 'mixed', step: 'a', traceId: 't-bad', data: '{not json', attempts: 1 })
    expect(letter?.error).toStartWith('the stored data is not valid JSON (')
    expect(told.map((dead) => dead.id)).toEqual([letter?.id as string])
  })
})

describe('sqlite queue: a store that stops taking writes', () => {
  test('a full database refuses publishes with a 503 naming the file, and takes them again once there is room', async () => {
    const path = tempDb()
    const { queue, warnings } = open(path)
    await queue.publish('full', ['a'], 'first', { traceId: 't' })
    const db = sharedConnection(path)
    const pages = (db.query('PRAGMA page_count').get() as { page_count: number }).page_count
    db.run(`PRAGMA max_page_count = ${pages}`)
    const refused = await queue.publish('full', ['a'], 'x'.repeat(20_000), { traceId: 't' }).then(() => undefined, (error: unknown) => error)
    expect(refused).toBeInstanceOf(MotiaError)
    expect(refused).toMatchObject({ status: 503, code: 'STORE_UNAVAILABLE' })
    expect((refused as Error).message).toBe(
      `[motia] the message to "full" was not enqueued: the store ${path} cannot take writes right now (database or disk is full); free disk space or fix the file's permissions, then retry`,
    )
    expect(warnings).toEqual([expect.stringContaining(`the queue store ${path} cannot take writes (database or disk is full)`)])
    db.run('PRAGMA max_page_count = 1073741823')
    await queue.publish('full', ['a'], 'x'.repeat(20_000), { traceId: 't' })
    expect(await queue.depth('full', 'a')).toBe(2)
    expect(warnings[1]).toContain('takes writes again')
  })

  test('acks that cannot be written wait for the store, and no copy runs twice', async () => {
    const path = tempDb()
    const { queue, warnings } = open(path)
    const runs = new Map<number, number>()
    const gate = Promise.withResolvers<void>()
    await queue.consume(consumeOptions('jobs', 'a', { concurrency: 20 }), async (message) => {
      await gate.promise
      const n = message.data as number
      runs.set(n, (runs.get(n) ?? 0) + 1)
    })
    for (let n = 0; n < 20; n++) await queue.publish('jobs', ['a'], n, { traceId: 't' })
    await waitFor(() => (sharedConnection(path).query("SELECT COUNT(*) AS n FROM motia_queue WHERE lease IS NOT NULL").get() as { n: number }).n === 20)
    const db = sharedConnection(path)
    db.run('PRAGMA query_only = 1')
    gate.resolve()
    await waitFor(() => runs.size === 20 && warnings.length === 1)
    // Nothing could be acknowledged: every copy is still stored, and the process is alive.
    expect((db.query('SELECT COUNT(*) AS n FROM motia_queue').get() as { n: number }).n).toBe(20)
    const refused = await queue.publish('jobs', ['a'], 99, { traceId: 't' }).catch((error: MotiaError) => error.status)
    expect(refused).toBe(503)
    db.run('PRAGMA query_only = 0')
    await waitFor(async () => (await queue.depth('jobs', 'a')) === 0, 10_000)
    expect([...runs.values()].every((count) => count === 1)).toBe(true)
  })

  test('consumers pause while leases cannot be written and resume when they can', async () => {
    const path = tempDb()
    const { queue } = open(path)
    await queue.publish('paused', ['a'], 1, { traceId: 't' })
    const db = sharedConnection(path)
    db.run('PRAGMA query_only = 1')
    const seen: unknown[] = []
    await queue.consume(consumeOptions('paused', 'a'), async (message) => void seen.push(message.data))
    await Bun.sleep(100)
    expect(seen).toEqual([])
    db.run('PRAGMA query_only = 0')
    await waitFor(() => seen.length === 1, 10_000)
    expect(seen).toEqual([1])
  })
})
