import { afterEach, describe, expect, test } from 'bun:test'
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { queueOnFirstWrite, stateOnFirstWrite } from './embedded-on-first-write.ts'
import { createSqliteQueue } from './queue/sqlite.ts'
import { createSqliteState } from './state/sqlite.ts'
import type { ConsumeOptions, QueueMessage } from './queue/types.ts'

let dir: string
let closers: Array<() => Promise<void>> = []
const fresh = () => {
  dir = mkdtempSync(join(tmpdir(), 'motia-first-write-'))
  return join(dir, 'motia.db')
}
afterEach(async () => {
  for (const close of closers.reverse()) await close()
  closers = []
  rmSync(dir, { recursive: true, force: true })
})

/** The messages a consumer got, in order; `next` waits for one. */
function received() {
  const messages: QueueMessage[] = []
  let wake = () => {}
  return {
    push(message: QueueMessage) {
      messages.push(message)
      wake()
    },
    async next(): Promise<QueueMessage> {
      while (!messages.length) await new Promise<void>((resolve) => (wake = resolve))
      return messages.shift()!
    },
  }
}

const on = (step: string): ConsumeOptions => ({ topic: 'orders', step, maxRetries: 0, backoff: { type: 'fixed', delayMs: 10 }, visibilityTimeoutMs: 5000, concurrency: 1, fifo: false })

describe('queueOnFirstWrite', () => {
  test('consuming creates no file; the first publish stores the copy and delivers it', async () => {
    const path = fresh()
    const queue = queueOnFirstWrite({ path })
    closers.push(() => queue.close())
    const got = received()
    await queue.consume(on('Fulfil'), async (message) => got.push(message))
    expect(existsSync(path)).toBe(false)
    await queue.publish('orders', ['Fulfil'], { id: 1 }, { traceId: 't1' })
    expect(existsSync(path)).toBe(true)
    expect((await got.next()).data).toEqual({ id: 1 })
  })

  test('a copy another process writes into a new file is delivered', async () => {
    const path = fresh()
    const queue = queueOnFirstWrite({ path, pollIntervalMs: 20 })
    closers.push(() => queue.close())
    const got = received()
    await queue.consume(on('Fulfil'), async (message) => got.push(message))
    const other = createSqliteQueue({ path })
    await other.publish('orders', ['Fulfil'], { id: 'from the CLI' }, { traceId: 't2' })
    await other.close()
    expect((await got.next()).data).toEqual({ id: 'from the CLI' })
  })

  test('a consumer stopped before the first write never runs', async () => {
    const path = fresh()
    const queue = queueOnFirstWrite({ path })
    closers.push(() => queue.close())
    const ran: unknown[] = []
    const stop = await queue.consume(on('Gone'), async (message) => void ran.push(message.data))
    await stop()
    const got = received()
    await queue.consume(on('Kept'), async (message) => got.push(message))
    await queue.publish('orders', ['Gone', 'Kept'], { id: 2 }, { traceId: 't3' })
    expect((await got.next()).data).toEqual({ id: 2 })
    expect(ran).toEqual([])
    expect(await queue.depth('orders', 'Gone')).toBe(1)
  })

  test('close before any write creates no file', async () => {
    const path = fresh()
    const queue = queueOnFirstWrite({ path })
    await queue.consume(on('Fulfil'), async () => {})
    await queue.close()
    expect(existsSync(path)).toBe(false)
    expect(queue.publish('orders', ['Fulfil'], {}, { traceId: 't' })).rejects.toThrow('closed')
  })
})

describe('stateOnFirstWrite', () => {
  test('reads of a missing store answer empty and create no file', async () => {
    const path = fresh()
    const state = stateOnFirstWrite({ path })
    closers.push(() => state.close())
    expect(await state.get('orders', 'a')).toBeUndefined()
    expect(await state.list('orders')).toEqual([])
    expect(await state.listGroups()).toEqual([])
    expect(existsSync(path)).toBe(false)
  })

  test('a read checks the address as the store does', async () => {
    const state = stateOnFirstWrite({ path: fresh() })
    closers.push(() => state.close())
    expect(state.get('orders', 'bad\uD800')).rejects.toThrow('lone UTF-16 surrogate')
  })

  test('the first write creates the store; what another process wrote is read', async () => {
    const path = fresh()
    const state = stateOnFirstWrite({ path })
    closers.push(() => state.close())
    const other = createSqliteState({ path })
    await other.set('orders', 'b', { by: 'the CLI' })
    await other.close()
    expect(await state.get('orders', 'b')).toEqual({ by: 'the CLI' })
    expect(await state.update('stats', 'orders', [{ type: 'increment', path: 'count', by: 2 }])).toEqual({ oldValue: undefined, newValue: { count: 2 } })
    expect(await state.listGroups()).toEqual(['orders', 'stats'])
  })

  test('a store that failed to open is tried again at the next write', async () => {
    fresh()
    // The store's folder is a file: opening fails until that is fixed.
    writeFileSync(join(dir, '.motia'), 'not a folder')
    const state = stateOnFirstWrite({ path: join(dir, '.motia', 'motia.db') })
    closers.push(() => state.close())
    await expect(state.set('orders', 'a', { n: 1 })).rejects.toThrow()
    rmSync(join(dir, '.motia'))
    mkdirSync(join(dir, '.motia'))
    await state.set('orders', 'a', { n: 2 })
    expect(await state.get('orders', 'a')).toEqual({ n: 2 })
  })
})
