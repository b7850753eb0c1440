/**
 * The live feed's bounds: clients with the same filters share one channel and one encoded chunk per
 * write; a client that does not read is dropped once its budget is spent, told why, and what
 * waited for it is let go; leaving releases everything. Over real sockets: see
 * test/reliability/hostile-console-live.test.ts.
 */
import { expect, test } from 'bun:test'
import type { LogEntry, MotiaRuntime } from 'motia'
import { createLiveFeed } from './live.ts'
import { createLogBuffer } from './log-buffer.ts'
import { createRunStats } from './run-stats.ts'

function fakeRuntime() {
  const warnings: string[] = []
  const broadcasts = new Set<(change: never) => void>()
  const runtime = {
    logger: { warn: (msg: string) => void warnings.push(msg) },
    streams: {
      onBroadcast: (listener: (change: never) => void) => {
        broadcasts.add(listener)
        return () => broadcasts.delete(listener)
      },
    },
  } as unknown as MotiaRuntime
  return { runtime, warnings, broadcasts }
}

const entry = (msg: string, extra: Record<string, unknown> = {}): LogEntry => ({ time: Date.now(), level: 'info', msg, ...extra })

async function until(check: () => boolean, what: string) {
  const deadline = Date.now() + 10_000
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`never happened: ${what}`)
    await Bun.sleep(10)
  }
}

test('a thousand clients with the same filters share one channel, and every write is one chunk for all of them', async () => {
  const { runtime } = fakeRuntime()
  const feed = createLiveFeed(runtime, createRunStats())
  const logs = createLogBuffer({ capacity: 100, maxBytes: 1 << 20 })
  const readers = Array.from({ length: 1000 }, () => feed.handle(new Request('http://x/__motia/api/live?events=log&level=info')).body!.getReader())
  const other = feed.handle(new Request('http://x/__motia/api/live?events=log&level=error')).body!.getReader()
  expect(feed.size()).toEqual({ clients: 1001, channels: 2 })
  for (const reader of [...readers, other]) expect(new TextDecoder().decode((await reader.read()).value)).toBe(': open\n\n')
  feed.log(logs.push(entry('for everyone')))
  const chunks = await Promise.all(readers.map(async (reader) => (await reader.read()).value!))
  expect(new TextDecoder().decode(chunks[0])).toContain('"msg":"for everyone"')
  // The same bytes, encoded once and handed to each client.
  expect(chunks.every((chunk) => chunk === chunks[0])).toBe(true)
  feed.log(logs.push({ ...entry('only errors'), level: 'error' }))
  expect(new TextDecoder().decode((await other.read()).value)).toContain('"msg":"only errors"')
  feed.close()
})

test('a client that does not read is dropped past its budget, told why, and what waited for it is let go', async () => {
  const { runtime, warnings } = fakeRuntime()
  const feed = createLiveFeed(runtime, createRunStats(), { clientBytes: 64 * 1024 })
  const logs = createLogBuffer({ capacity: 100, maxBytes: 1 << 20 })
  const slow = feed.handle(new Request('http://x/__motia/api/live?events=log')).body!.getReader()
  const fast = feed.handle(new Request('http://x/__motia/api/live?events=log')).body!.getReader()
  let fastText = ''
  let reading = true
  const readFast = (async () => {
    while (reading) {
      const { value, done } = await fast.read()
      if (done) break
      fastText += new TextDecoder().decode(value)
    }
  })()
  let n = 0
  while (warnings.length === 0) {
    feed.log(logs.push(entry(`line ${n++} ${'y'.repeat(1000)}`)))
    if (n % 50 === 0) await Bun.sleep(5)
    if (n > 1_000_000) throw new Error('the slow client was never dropped')
  }
  expect(warnings).toEqual(['[motia] console: dropped a live client: this client read too slowly: more than 65536 bytes were waiting for it; reconnect to follow again'])
  expect(feed.size().clients).toBe(1)
  // Catching up at last, it reads only the reason, then the end.
  const last = await slow.read()
  expect(new TextDecoder().decode(last.value)).toBe('event: closed\ndata: {"reason":"this client read too slowly: more than 65536 bytes were waiting for it; reconnect to follow again"}\n\n')
  expect((await slow.read()).done).toBe(true)
  // The reading client was not held back.
  const mark = `mark ${n}`
  feed.log(logs.push(entry(mark)))
  await until(() => fastText.includes(mark), 'the fast client got the last line')
  reading = false
  feed.close()
  await readFast
})

test('leaving releases the channel and its subscriptions; the feed listens to nothing while nobody follows it', async () => {
  const { runtime, broadcasts } = fakeRuntime()
  const stats = createRunStats()
  const feed = createLiveFeed(runtime, stats)
  const controllers = Array.from({ length: 20 }, () => new AbortController())
  const readers = controllers.map((c, i) => feed.handle(new Request(`http://x/__motia/api/live?events=log,run,stream&stream=s${i % 2}`, { signal: c.signal })).body!.getReader())
  expect(feed.size()).toEqual({ clients: 20, channels: 2 })
  expect(broadcasts.size).toBe(1)
  // Half leave by closing the connection (abort), half by cancelling the body.
  controllers.slice(0, 10).forEach((c) => c.abort())
  await Promise.all(readers.slice(10).map((r) => r.cancel()))
  expect(feed.size()).toEqual({ clients: 0, channels: 0 })
  expect(broadcasts.size).toBe(0)
  // A run recorded now wakes nobody (no channel keeps a timer or a listener).
  stats.record({ step: { name: 'S' }, ctx: { traceId: 't' } } as never, { ok: true, output: undefined, durationMs: 0, endedAt: Date.now() })
  expect(feed.size()).toEqual({ clients: 0, channels: 0 })
})

test('a write holds at most 200 events and about 256K characters; the rest is told as dropped', async () => {
  const { runtime } = fakeRuntime()
  const feed = createLiveFeed(runtime, createRunStats())
  const logs = createLogBuffer({ capacity: 10_000, maxBytes: 64 << 20 })
  const reader = feed.handle(new Request('http://x/__motia/api/live?events=log')).body!.getReader()
  await reader.read()
  for (let i = 0; i < 1000; i++) feed.log(logs.push(entry(`big ${i} ${'z'.repeat(3000)}`)))
  const text = new TextDecoder().decode((await reader.read()).value)
  const sent = text.match(/^event: log$/gm)!.length
  expect(sent).toBeLessThan(200)
  expect(text.length).toBeLessThan(256 * 1024 + 8 * 1024)
  expect(text).toContain(`event: dropped\ndata: {"count":${1000 - sent}}`)
  feed.close()
})
