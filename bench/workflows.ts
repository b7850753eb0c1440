/**
 * Durable workflows benchmark, in one process on the embedded SQLite store (`.motia/motia.db` of a
 * generated project):
 *
 *   bun bench/workflows.ts
 *   N=1000 ROUNDS=5 SLEEPERS=20000 WAKES=1000 bun bench/workflows.ts
 *
 * 1. Runs/s: N runs (default 2,000) of a queue-triggered workflow with 10 checkpoints each, against
 *    the same workflow with no checkpoint (`bare`) and with 10 plain `state.set` calls instead
 *    (`writes`), rounds alternating, medians. The cost of a checkpoint relative to a bare state
 *    write in the same run is (t10 checkpoints − t bare) ÷ (t10 writes − t bare).
 * 2. Memory: SLEEPERS runs (default 100,000) each parked in a one-day sleep; the heap and RSS after
 *    a full GC, before and after, at each quarter (it must stay flat: runs live in the store).
 * 3. Wake-up lag: WAKES runs (default 2,000) sleeping until instants spread over 3 s; each records
 *    how late it woke (from the due time to the first line after the sleep); p50, p99, max.
 */
import { rmSync } from 'node:fs'
import { join } from 'node:path'
import { createRuntime, type Runtime } from '../runtime/runtime.ts'
import { makeProject } from '../test/helpers/project.ts'

const total = Number(process.env.N ?? 2000)
const rounds = Number(process.env.ROUNDS ?? 3)
const sleepers = Number(process.env.SLEEPERS ?? 100_000)
const wakes = Number(process.env.WAKES ?? 2000)

const step = (name: string, topic: string, body: string) => `
  export const config = { name: '${name}', triggers: [{ type: 'queue', topic: '${topic}', config: { concurrency: 50 } }], workflow: { concurrency: 50 } }
  export const handler = async (data, ctx) => {
    ${body}
  }
`
const project = makeProject({
  'steps/bare.step.ts': step('Bare', 'bare', `globalThis.__done = (globalThis.__done ?? 0) + 1`),
  'steps/checkpoints.step.ts': step('Checkpoints', 'checkpoints', `for (let i = 0; i < 10; i++) await ctx.run('c' + i, () => ({ i, n: data.n }))\n    globalThis.__done = (globalThis.__done ?? 0) + 1`),
  'steps/writes.step.ts': step('Writes', 'writes', `for (let i = 0; i < 10; i++) await ctx.state.set('bench', data.n + ':' + i, { i, n: data.n })\n    globalThis.__done = (globalThis.__done ?? 0) + 1`),
  'steps/sleeper.step.ts': step('Sleeper', 'sleepers', `await ctx.sleep('nap', '1d')`),
  'steps/waker.step.ts': step('Waker', 'wakers', `const until = data.until\n    globalThis.__reached = (globalThis.__reached ?? 0) + 1\n    await ctx.sleep('nap', new Date(until))\n    ;(globalThis.__lags ??= []).push(Date.now() - until)`),
})
const counter = globalThis as { __done?: number; __reached?: number; __lags?: number[] }

const runtime: Runtime = await createRuntime({ root: project.root, mode: 'test', logSink: () => {} })
await runtime.load()
const store = runtime.workflows.store

async function enqueueAll(topic: string, count: number, data: (i: number) => unknown): Promise<void> {
  const chunk = 200
  for (let i = 0; i < count; i += chunk) {
    await Promise.all(Array.from({ length: Math.min(chunk, count - i) }, (_, j) => runtime.enqueue({ topic, data: data(i + j) })))
  }
}

async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 600_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await Bun.sleep(20)
  }
}

async function timed(topic: string): Promise<number> {
  counter.__done = 0
  const started = performance.now()
  await enqueueAll(topic, total, (n) => ({ n }))
  await until(() => counter.__done! >= total, `${total} ${topic} runs`)
  return (performance.now() - started) / 1000
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!
const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`
const signed = (bytes: number) => `${bytes < 0 ? '−' : '+'}${mib(Math.abs(bytes))}`

// 1. Throughput and the cost of a checkpoint.
const seconds: Record<'bare' | 'checkpoints' | 'writes', number[]> = { bare: [], checkpoints: [], writes: [] }
for (let round = 0; round < rounds; round++) {
  const order = round % 2 ? (['writes', 'checkpoints', 'bare'] as const) : (['bare', 'checkpoints', 'writes'] as const)
  for (const topic of order) seconds[topic].push(await timed(topic))
}
const [bare, checkpoints, writes] = [median(seconds.bare), median(seconds.checkpoints), median(seconds.writes)]
console.log(`runs/s (N=${total}, ${rounds} rounds, median): no checkpoint ${(total / bare).toFixed(0)}, 10 checkpoints ${(total / checkpoints).toFixed(0)}, 10 state writes ${(total / writes).toFixed(0)}`)
console.log(`cost of one checkpoint ÷ one state.set in the same run: ${((checkpoints - bare) / (writes - bare)).toFixed(2)}× (per checkpoint ${(((checkpoints - bare) / total / 10) * 1e6).toFixed(0)} µs, per write ${(((writes - bare) / total / 10) * 1e6).toFixed(0)} µs)`)

// 2. Memory of sleeping runs.
const memory = () => {
  Bun.gc(true)
  return { heap: process.memoryUsage().heapUsed, rss: process.memoryUsage().rss }
}
const parked = async () => (await store.list({ status: 'sleeping', step: 'Sleeper', limit: 1 })).length
const start = memory()
const quarter = Math.ceil(sleepers / 4)
const sleptAt = performance.now()
for (let done = 0; done < sleepers; done += quarter) {
  const count = Math.min(quarter, sleepers - done)
  await enqueueAll('sleepers', count, (n) => ({ n: done + n }))
  await until(async () => (await runtime.queue.depth('sleepers', 'Sleeper')) === 0 && (await runtime.queue.stats!('motia.workflow', 'Sleeper')).waiting + (await runtime.queue.stats!('motia.workflow', 'Sleeper')).inFlight === 0, 'sleepers parked')
  const now = memory()
  console.log(`${done + count} sleeping runs: heap ${mib(now.heap)} (${signed(now.heap - start.heap)}), rss ${mib(now.rss)} (${signed(now.rss - start.rss)})`)
}
if ((await parked()) === 0) throw new Error('no sleeping run found')
console.log(`parked ${sleepers} runs in ${((performance.now() - sleptAt) / 1000).toFixed(1)} s`)

// 3. Wake-up lag: every run is parked (its first execution reached the sleep) well before it is due.
counter.__reached = 0
counter.__lags = []
const due = Date.now() + Number(process.env.WAKE_AFTER_MS ?? 10_000)
await enqueueAll('wakers', wakes, (n) => ({ until: due + Math.floor((n / wakes) * 3000) }))
await until(() => counter.__reached! >= wakes, `${wakes} runs parked`)
const parkedBy = Date.now()
if (parkedBy > due) console.log(`note: the last run parked ${parkedBy - due} ms after the first was due; raise WAKE_AFTER_MS`)
await until(() => counter.__lags!.length >= wakes, `${wakes} wake-ups`)
const lags = [...counter.__lags!].sort((a, b) => a - b)
const pick = (q: number) => lags[Math.min(lags.length - 1, Math.floor(q * lags.length))]!
console.log(`wake-up lag over ${wakes} runs due within 3 s (with ${sleepers} other runs sleeping): p50 ${pick(0.5)} ms, p99 ${pick(0.99)} ms, max ${lags.at(-1)} ms`)

await runtime.stop()
rmSync(join(project.root), { recursive: true, force: true })
