/**
 * What the console costs under load is bounded: input/output copies per second, and events per
 * write of a live stream (the rest counted and told as one `dropped` event).
 */
import { expect, test } from 'bun:test'
import type { MotiaRuntime, TraceStore } from 'motia'
import { createLiveFeed } from './live.ts'
import { createRunRecorder } from './run-io.ts'
import { createRunStats } from './run-stats.ts'

test('input and output are copied for at most perSecond runs a second', () => {
  const events: Array<{ type: string }> = []
  const store = { addEvent: (_span: number, event: { type: string }) => void events.push(event) } as unknown as TraceStore
  const record = createRunRecorder(() => store, 3)
  for (let span = 1; span <= 10; span++) record({ span, input: { n: span }, trigger: { type: 'queue' } } as never, { ok: true, output: 'done', durationMs: 1 })
  const inputs = events.filter((event) => event.type === 'input').length
  // Ten runs within (at most) two seconds: three a second get their copies, each with its output.
  expect(inputs).toBeGreaterThanOrEqual(3)
  expect(inputs).toBeLessThanOrEqual(6)
  expect(events.filter((event) => event.type === 'output')).toHaveLength(inputs)
})

test('a live stream writes at most 200 events per flush and counts the rest as dropped', async () => {
  const stats = createRunStats()
  const runtime = { on: () => () => {} } as unknown as MotiaRuntime
  const feed = createLiveFeed(runtime, stats)
  const response = feed.handle(new Request('http://x/__motia/api/live?events=run'))
  const reader = response.body!.getReader()
  await reader.read() // ': open'
  const run = { step: { name: 'S' }, ctx: { traceId: 't' } } as never
  for (let n = 0; n < 1000; n++) stats.record(run, { ok: true, output: undefined, durationMs: 0 })
  const text = new TextDecoder().decode((await reader.read()).value)
  expect(text.match(/^event: run$/gm)).toHaveLength(200)
  expect(text).toContain('event: dropped\ndata: {"count":800}')
  feed.close()
})
