/**
 * The embedded queue's indexes changed (sqlite-store.ts): a store written with the earlier ones
 * upgrades when opened and keeps every copy, and fifo leasing finds the heads of grouped copies
 * and of copies without a group alike.
 */
import { Database } from 'bun:sqlite'
import { expect, test } from 'bun:test'
import { tempDatabases } from '../../../test/helpers/temp-db.ts'
import { waitFor } from '../../testing/wait.ts'
import { consumeOptions } from './contract-helpers.ts'
import { createSqliteQueue } from './sqlite.ts'
import type { QueueAdapter } from './types.ts'

const tempDb = tempDatabases('motia-queue-migration-')

/** The table and indexes as stores were written before `motia_queue_due` and `motia_queue_grouped`. */
const earlierSchema = `
CREATE TABLE motia_queue (
  seq INTEGER PRIMARY KEY AUTOINCREMENT, topic TEXT NOT NULL, step TEXT NOT NULL, group_id TEXT, data TEXT,
  trace_id TEXT NOT NULL, attempt INTEGER NOT NULL DEFAULT 0, enqueued_at INTEGER NOT NULL, visible_at INTEGER NOT NULL, lease TEXT
);
CREATE INDEX motia_queue_ready ON motia_queue (topic, step, visible_at, seq);
CREATE INDEX motia_queue_groups ON motia_queue (topic, step, group_id, seq);
`

/** Runs a fifo consumer of (topic, 'a') one copy at a time per group and records the order per group ('-' for none). */
async function consumeFifo(queue: QueueAdapter, topic: string) {
  const order: Record<string, number[]> = {}
  const running = new Set<string>()
  let overlaps = 0
  await queue.consume(consumeOptions(topic, 'a', { fifo: true, concurrency: 4 }), async (message) => {
    const group = message.messageGroupId ?? '-'
    if (running.has(group)) overlaps++
    running.add(group)
    await Bun.sleep(2)
    ;(order[group] ??= []).push(message.data as number)
    running.delete(group)
  })
  return { order, overlaps: () => overlaps }
}

test('a store written with the earlier indexes is upgraded when opened, and keeps its copies in order', async () => {
  const path = tempDb()
  const earlier = new Database(path, { create: true })
  earlier.run('PRAGMA journal_mode = WAL')
  earlier.run(earlierSchema)
  const insert = earlier.prepare('INSERT INTO motia_queue (topic, step, group_id, data, trace_id, enqueued_at, visible_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
  const now = Date.now()
  for (let n = 0; n < 4; n++) {
    insert.run('orders', 'a', 'x', JSON.stringify(n), 't', now, now)
    insert.run('orders', 'a', null, JSON.stringify(n), 't', now, now)
  }
  earlier.close()

  const queue = createSqliteQueue({ path })
  const indexes = (await readIndexes(path)).sort()
  expect(indexes).toEqual(['motia_queue_due', 'motia_queue_grouped'])
  const { order, overlaps } = await consumeFifo(queue, 'orders')
  await waitFor(() => order.x?.length === 4 && order['-']?.length === 4)
  expect(order).toEqual({ x: [0, 1, 2, 3], '-': [0, 1, 2, 3] })
  expect(overlaps()).toBe(0)
  await queue.close()
})

test('fifo runs copies without a group one at a time, in publish order, beside the groups', async () => {
  const queue = createSqliteQueue({ path: tempDb() })
  const { order, overlaps } = await consumeFifo(queue, 'mixed')
  for (let n = 0; n < 5; n++) {
    await queue.publish('mixed', ['a'], n, { traceId: 't' })
    await queue.publish('mixed', ['a'], n, { traceId: 't', messageGroupId: 'x' })
    await queue.publish('mixed', ['a'], n, { traceId: 't', messageGroupId: 'y' })
  }
  await waitFor(() => order['-']?.length === 5 && order.x?.length === 5 && order.y?.length === 5)
  expect(order).toEqual({ '-': [0, 1, 2, 3, 4], x: [0, 1, 2, 3, 4], y: [0, 1, 2, 3, 4] })
  expect(overlaps()).toBe(0)
  await queue.close()
})

// --- internal ---

async function readIndexes(path: string): Promise<string[]> {
  const db = new Database(path, { readonly: true })
  try {
    return (db.query("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'motia_queue' AND name NOT LIKE 'sqlite_%'").all() as Array<{ name: string }>).map((row) => row.name)
  } finally {
    db.close()
  }
}
