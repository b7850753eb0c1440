/**
 * What the console costs under load is bounded: input/output copies per second, and events per
 * write of a live stream (the rest counted and told as one `dropped` event).
 */
import { expect, test } from 'bun:test'
import { createMasker, type MotiaRuntime, type TraceStore } from 'motia'
import { createLiveFeed } from './live.ts'
import { createRunRecorder } from './run-io.ts'
import { createRunStats } from './run-stats.ts'

test('input and output are copied for at most perSecond runs a second', () => {
  const events: Array<{ type: string }> = []
  const store = { addEvent: (_span: number, event: { type: string }) => void events.push(event) } as unknown as TraceStore
  const record = createRunRecorder(() => ({ traces: store, mask: createMasker() }), 3)
  for (let span = 1; span <= 10; span++) record({ span, input: { n: span }, trigger: { type: 'queue' } } as never, { ok: true, output: 'done', durationMs: 1, endedAt: Date.now() })
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
  for (let n = 0; n < 1000; n++) stats.record(run, { ok: true, output: undefined, durationMs: 0, endedAt: Date.now() })
  const text = new TextDecoder().decode((await reader.read()).value)
  expect(text.match(/^event: run$/gm)).toHaveLength(200)
  expect(text).toContain('event: dropped\ndata: {"count":800}')
  feed.close()
})

test('a live stream counts the runs the stats did not keep as dropped', async () => {
  const stats = createRunStats({ keptPerSecond: 10 })
  const feed = createLiveFeed({ on: () => () => {} } as unknown as MotiaRuntime, stats)
  const reader = feed.handle(new Request('http://x/__motia/api/live?events=run')).body!.getReader()
  await reader.read() // ': open'
  const at = Math.ceil(Date.now() / 1000) * 1000 // one second's budget for all 50
  for (let n = 0; n < 50; n++) stats.record({ step: { name: 'S' }, ctx: { traceId: 't' } } as never, { ok: true, output: undefined, durationMs: 0, endedAt: at })
  const text = new TextDecoder().decode((await reader.read()).value)
  expect(text.match(/^event: run$/gm)).toHaveLength(10)
  expect(text).toContain('event: dropped\ndata: {"count":40}')
  feed.close()
})

test('every open live stream gets every run, also one opened while another waits to write', async () => {
  const stats = createRunStats()
  const feed = createLiveFeed({ on: () => () => {} } as unknown as MotiaRuntime, stats)
  const open = async () => {
    const reader = feed.handle(new Request('http://x/__motia/api/live?events=run')).body!.getReader()
    await reader.read() // ': open'
    return reader
  }
  const record = (traceId: string) => stats.record({ step: { name: 'S' }, ctx: { traceId } } as never, { ok: true, output: undefined, durationMs: 0, endedAt: Date.now() })
  const first = await open()
  record('one')
  const second = await open()
  record('two')
  // Clients of one channel share its writes: the one joining makes the channel write what it
  // gathered before to the first client, so the runs may come in two chunks.
  const text = async (reader: ReadableStreamDefaultReader<Uint8Array>) => {
    let seen = ''
    while (!seen.includes('"two"')) seen += new TextDecoder().decode((await reader.read()).value)
    return seen
  }
  expect((await text(first)).match(/"traceId":"\w+"/g)).toEqual(['"traceId":"one"', '"traceId":"two"'])
  expect((await text(second)).match(/"traceId":"\w+"/g)).toEqual(['"traceId":"two"'])
  feed.close()
})
