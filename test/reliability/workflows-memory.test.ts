/**
 * Sleeping runs live in the store, not in memory: thousands of runs parked in a long sleep on the
 * embedded SQLite store leave the JavaScript heap where it was (no timer, promise or closure per
 * run). bench/workflows.ts measures the same with 100,000 runs.
 */
import { afterAll, expect, test } from 'bun:test'
import { createRuntime, type Runtime } from '../../runtime/runtime.ts'
import { waitFor } from '../../runtime/testing/wait.ts'
import { makeProject } from '../helpers/project.ts'

const project = makeProject({
  'steps/sleeper.step.ts': `
    export const config = { name: 'Sleeper', triggers: [{ type: 'queue', topic: 'sleepers', config: { concurrency: 50 } }], workflow: { concurrency: 50 } }
    export const handler = async (data, ctx) => {
      await ctx.run('plan', () => ({ n: data.n, note: 'x'.repeat(200) }))
      await ctx.sleep('nap', '1d')
    }
  `,
})
let runtime: Runtime | undefined

afterAll(async () => {
  await runtime?.stop()
  project.cleanup()
})

test('4,000 runs parked in a one-day sleep leave the heap flat', async () => {
  runtime = await createRuntime({ root: project.root, mode: 'test', logSink: () => {} })
  await runtime.load()
  const heap = () => {
    Bun.gc(true)
    return process.memoryUsage().heapUsed
  }
  const park = async (from: number, count: number) => {
    for (let i = 0; i < count; i += 200) await Promise.all(Array.from({ length: Math.min(200, count - i) }, (_, j) => runtime!.enqueue({ topic: 'sleepers', data: { n: from + i + j } })))
    await waitFor(async () => (await runtime!.workflows.store.list({ status: 'sleeping', limit: 10_000 })).length === from + count, 120_000)
  }
  // A first batch warms the caches (statements, JIT); the heap is measured from there.
  await park(0, 500)
  const before = heap()
  await park(500, 4000)
  const grown = heap() - before
  console.log(`4000 more sleeping runs: heap +${(grown / 1024).toFixed(0)} KiB`)
  // Far below one kilobyte a run: what a run held in memory (its input, its checkpoint, a timer) would exceed it.
  expect(grown).toBeLessThan(4000 * 1024)
}, 180_000)
