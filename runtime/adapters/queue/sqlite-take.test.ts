/**
 * Copies taken as they are stored (sqlite-consumers.ts `route`): a consumer of this process with
 * room and nothing due in the table gets a new copy without a lease query, and the copy is stored
 * leased to it; copies left in the table run before newer ones.
 */
import { expect, test } from 'bun:test'
import { tempDatabases } from '../../../test/helpers/temp-db.ts'
import { waitFor } from '../../testing/wait.ts'
import { consumeOptions, deferred } from './contract-helpers.ts'
import { createSqliteQueue } from './sqlite.ts'

const tempDb = tempDatabases('motia-queue-take-')

test('a copy taken as it is stored is stored leased: running, not waiting, and gone once acknowledged', async () => {
  const queue = createSqliteQueue({ path: tempDb() })
  const release = deferred()
  const seen: Array<{ n: number; attempt: number; waiting: number; inFlight: number }> = []
  await queue.consume(consumeOptions('orders', 'a'), async (message) => {
    const { waiting, inFlight } = await queue.stats!('orders', 'a')
    const n = (message.data as { n: number }).n
    seen.push({ n, attempt: message.attempt, waiting, inFlight })
    if (n === 2) await release.promise
  })
  // The first copy drains the queue: the consumer has nothing due in the table when the second comes.
  await queue.publish('orders', ['a'], { n: 1 }, { traceId: 't' })
  await waitFor(async () => seen.length === 1 && (await queue.depth('orders', 'a')) === 0)
  await queue.publish('orders', ['a'], { n: 2 }, { traceId: 't' })
  await waitFor(() => seen.length === 2)
  expect(seen[1]).toEqual({ n: 2, attempt: 1, waiting: 0, inFlight: 1 })
  release.resolve()
  await waitFor(async () => (await queue.depth('orders', 'a')) === 0)
  expect(await queue.depth('orders', 'a')).toBe(0)
  await queue.close()
})

test('copies left in the table while the consumer was full run before copies published later', async () => {
  const queue = createSqliteQueue({ path: tempDb() })
  const order: number[] = []
  const first = deferred()
  await queue.consume(consumeOptions('orders', 'a', { concurrency: 1 }), async (message) => {
    const n = (message.data as { n: number }).n
    order.push(n)
    if (n === 1) await first.promise
  })
  await queue.publish('orders', ['a'], { n: 1 }, { traceId: 't' })
  await waitFor(() => order.length === 1)
  // No room: these wait in the table.
  await queue.publish('orders', ['a'], { n: 2 }, { traceId: 't' })
  await queue.publish('orders', ['a'], { n: 3 }, { traceId: 't' })
  first.resolve()
  await waitFor(() => order.length >= 2)
  await queue.publish('orders', ['a'], { n: 4 }, { traceId: 't' })
  await waitFor(() => order.length === 4)
  expect(order).toEqual([1, 2, 3, 4])
  await queue.close()
})

test('a copy taken as it is stored comes back after a restart when its process never acknowledged it', async () => {
  const path = tempDb()
  const first = createSqliteQueue({ path })
  const started = deferred()
  const hang = deferred()
  await first.consume(consumeOptions('orders', 'a'), async () => {
    started.resolve()
    await hang.promise // as if its process died while running it
  })
  await first.publish('orders', ['a'], { n: 1 }, { traceId: 't' })
  await started.promise
  // A new server on the same file reclaims the leases of the one before (the project lock says it is gone).
  const second = createSqliteQueue({ path, reclaimLeases: true })
  const attempts: number[] = []
  await second.consume(consumeOptions('orders', 'a'), async (message) => void attempts.push(message.attempt))
  await waitFor(() => attempts.length === 1)
  expect(attempts).toEqual([2])
  await second.close()
  // The late acknowledgement of attempt 1 changes nothing.
  hang.resolve()
  await first.close()
})
