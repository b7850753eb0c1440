/**
 * The behaviour every WorkflowStore must show. Each implementation's test file calls this once:
 *
 * @example
 * testWorkflowStore({ name: 'memory', create: () => createMemoryWorkflowStore() })
 */
import { describe, expect, test } from 'bun:test'
import { closedAfterEach } from '../../testing/fresh.ts'
import type { Checkpoint, WorkflowRun, WorkflowStore } from './types.ts'

export interface WorkflowStoreContractOptions {
  name: string
  /** A fresh, empty store. Called once per test; the suite closes it afterwards. */
  create: () => WorkflowStore | Promise<WorkflowStore>
}

export function testWorkflowStore({ name, create }: WorkflowStoreContractOptions): void {
  describe(`WorkflowStore contract: ${name}`, () => {
    const fresh = closedAfterEach(create)

    test('a created run comes back equal, not the same object', async () => {
      const store = await fresh()
      const run = newRun('r1', { input: { order: { id: 'o1', items: [1, 2] } } })
      await store.create(run)
      const read = await store.get('r1')
      expect(read).toEqual(run)
      expect(read).not.toBe(run)
      expect(await store.get('missing')).toBeUndefined()
    })

    test('a second create with the same id is refused', async () => {
      const store = await fresh()
      await store.create(newRun('r1'))
      await expect(store.create(newRun('r1'))).rejects.toMatchObject({ code: 'RUN_EXISTS' })
    })

    test('record is first-writer-wins and checkpoints come back in seq order', async () => {
      const store = await fresh()
      await store.create(newRun('r1'))
      expect(await store.record('r1', point('b', 1, { value: 'first b' }), 10)).toMatchObject({ id: 'b', value: 'first b' })
      await store.record('r1', point('a', 0, { value: { n: 1 } }), 10)
      expect(await store.record('r1', point('b', 1, { value: 'second b' }), 10)).toMatchObject({ id: 'b', value: 'first b' })
      const all = await store.checkpoints('r1')
      expect(all.map((c) => [c.id, c.value])).toEqual([
        ['a', { n: 1 }],
        ['b', 'first b'],
      ])
    })

    test('concurrent records of one checkpoint store one value and all callers see it', async () => {
      const store = await fresh()
      await store.create(newRun('r1'))
      const results = await Promise.all(Array.from({ length: 20 }, (_, i) => store.record('r1', point('charge', 0, { value: i }), 10)))
      const stored = (await store.checkpoints('r1'))[0]!.value
      expect(results.every((r) => r.value === stored)).toBe(true)
      expect(await store.checkpoints('r1')).toHaveLength(1)
    })

    test('record refuses a run that ended, and a run at its checkpoint limit', async () => {
      const store = await fresh()
      await store.create(newRun('r1'))
      await store.record('r1', point('a', 0), 2)
      await store.record('r1', point('b', 1), 2)
      await expect(store.record('r1', point('c', 2), 2)).rejects.toMatchObject({ code: 'CHECKPOINT_LIMIT' })
      expect(await store.transition('r1', ['queued'], { status: 'cancelled', error: 'cancelled by test' })).toMatchObject({ status: 'cancelled' })
      await expect(store.record('r1', point('d', 2), 10)).rejects.toMatchObject({ code: 'RUN_ENDED' })
    })

    test('resolve completes a pending checkpoint once', async () => {
      const store = await fresh()
      await store.create(newRun('r1'))
      await store.record('r1', point('nap', 0, { kind: 'sleep', done: false, until: 5 }), 10)
      expect(await store.resolve('r1', 'nap', 'first')).toMatchObject({ done: true, value: 'first' })
      expect(await store.resolve('r1', 'nap', 'second')).toMatchObject({ done: true, value: 'first' })
      expect(await store.resolve('r1', 'missing', 1)).toBeUndefined()
    })

    test('transition moves only from the listed statuses and with the expected execution count', async () => {
      const store = await fresh()
      await store.create(newRun('r1'))
      expect(await store.transition('r1', ['sleeping'], { status: 'running' })).toBeUndefined()
      const running = await store.transition('r1', ['queued', 'sleeping'], { status: 'running', executed: true })
      expect(running).toMatchObject({ status: 'running', executions: 1 })
      expect(await store.transition('r1', ['running'], { status: 'sleeping', wakeAt: 99, pending: 'nap' }, 0)).toBeUndefined()
      expect(await store.transition('r1', ['running'], { status: 'sleeping', wakeAt: 99, pending: 'nap', traceId: 't-new' }, 1)).toMatchObject({ status: 'sleeping', wakeAt: 99, pending: 'nap', traceId: 't-new' })
      const done = await store.transition('r1', ['sleeping'], { status: 'completed', output: { ok: true } })
      expect(done).toMatchObject({ status: 'completed', output: { ok: true } })
      expect(done!.wakeAt).toBeUndefined()
      expect(await store.get('r1')).toEqual(done!)
      expect(await store.transition('missing', ['queued'], { status: 'running' })).toBeUndefined()
    })

    test('a pending wait is listed by topic until it is resolved or its run ends', async () => {
      const store = await fresh()
      await store.create(newRun('r1'))
      await store.create(newRun('r2'))
      await store.record('r1', point('ship', 0, { kind: 'wait', done: false, topic: 'shipped', match: { orderId: 'o1' } }), 10)
      await store.record('r2', point('ship', 0, { kind: 'wait', done: false, topic: 'shipped' }), 10)
      await store.record('r2', point('other', 1, { kind: 'wait', done: false, topic: 'paid' }), 10)
      const listed = (await store.waits('shipped')).sort((a, b) => a.runId.localeCompare(b.runId))
      expect(listed).toEqual([
        { runId: 'r1', step: 'Saga', checkpoint: 'ship', match: { orderId: 'o1' } },
        { runId: 'r2', step: 'Saga', checkpoint: 'ship' },
      ])
      await store.resolve('r1', 'ship', { ok: true, data: {} })
      expect((await store.waits('shipped')).map((w) => w.runId)).toEqual(['r2'])
      await store.transition('r2', ['queued'], { status: 'cancelled' })
      expect(await store.waits('shipped')).toEqual([])
      expect(await store.waits('paid')).toEqual([])
    })

    test('ids with separators and control characters never share a record', async () => {
      const store = await fresh()
      const odd = ['r\n1', 'r', 'r:1', 'r\u00001', '{r}', 'r 1']
      for (const id of odd) await store.create(newRun(id, { input: id }))
      for (const id of odd) await store.record(id, point('1\nx', 0, { kind: 'wait', done: false, topic: 't\n1', value: undefined }), 10)
      for (const id of odd) expect((await store.get(id))!.input).toBe(id)
      expect((await store.waits('t\n1')).map((w) => w.runId).sort()).toEqual([...odd].sort())
      expect(await store.waits('t')).toEqual([])
      await store.resolve('r\n1', '1\nx', 'woken')
      expect((await store.checkpoints('r'))[0]!.done).toBe(false)
    })

    test('list gives runs newest first, filtered by status and step, in pages', async () => {
      const store = await fresh()
      for (let i = 0; i < 5; i++) await store.create(newRun(`r${i}`, { createdAt: 1000 + i, step: i % 2 ? 'Odd' : 'Even' }))
      await store.transition('r3', ['queued'], { status: 'failed', error: 'boom' })
      expect((await store.list({ limit: 10 })).map((r) => r.id)).toEqual(['r4', 'r3', 'r2', 'r1', 'r0'])
      expect((await store.list({ limit: 10, status: 'failed' })).map((r) => r.id)).toEqual(['r3'])
      expect((await store.list({ limit: 10, step: 'Odd' })).map((r) => r.id)).toEqual(['r3', 'r1'])
      const first = await store.list({ limit: 2 })
      expect((await store.list({ limit: 2, before: first.at(-1)!.createdAt })).map((r) => r.id)).toEqual(['r2', 'r1'])
    })
  })
}

// --- internal ---

function newRun(id: string, fields: Partial<WorkflowRun> = {}): WorkflowRun {
  return { id, step: 'Saga', trigger: 0, input: { n: 1 }, traceId: `t-${id}`, status: 'queued', createdAt: 1000, updatedAt: 1000, executions: 0, ...fields }
}

function point(id: string, seq: number, fields: Partial<Checkpoint> = {}): Checkpoint {
  return { id, seq, kind: 'run', done: true, at: 1, ...fields }
}
