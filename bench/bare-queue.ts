/**
 * The baselines of bench/queue.ts: the same HTTP → queue → queue chain written by hand on a bare
 * store, with nothing a framework adds: `STORE=sqlite` (one `bun:sqlite` table, WAL and
 * `synchronous = NORMAL` as the embedded adapter, a 202 only once the messages are committed,
 * at-least-once: a message is leased, then deleted once its handler finished) or `STORE=memory`
 * (plain arrays). Writes, leases and acks of one event-loop turn share one transaction, as a
 * careful hand-written queue would do. It answers the bench's routes: POST /chain, GET /stats,
 * POST /reset, GET /__motia/health.
 *
 *   STORE=sqlite PORT=3000 DIR=/tmp/x CONCURRENCY=100 bun bench/bare-queue.ts
 */
import { Database } from 'bun:sqlite'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'

type Handler = (data: string) => Promise<void> | void
export interface BareQueue {
  publish(topic: string, data: string): Promise<void>
  consume(topic: string, handler: Handler): void
}

/** The bare chain on `store` ('sqlite' in `dir`, or 'memory'): POST /chain and the latency records (also used in process by bench/queue-cpu.ts). */
export function createBareChain(store: string, dir: string, concurrency: number) {
  const now = () => performance.timeOrigin + performance.now()
  let samples: number[] = []
  let last = 0
  let arrived = 0
  const queue = createBareQueue(store, dir, concurrency)
  queue.consume('hop-one', (data) => queue.publish('hop-two', data))
  queue.consume('hop-two', (data) => {
    const at = now()
    samples.push(at - (JSON.parse(data) as { sentAt: number }).sentAt)
    last = at
    arrived++
  })
  return {
    stats() {
      const sorted = [...samples].sort((a, b) => a - b)
      const pick = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0
      return { count: sorted.length, last, p50: pick(0.5), p99: pick(0.99) }
    },
    /** How many messages reached the chain's end since the last reset (cheap, unlike `stats`). */
    count: () => arrived,
    reset() {
      samples = []
      last = 0
      arrived = 0
    },
    async chain(request: Request): Promise<Response> {
      const body = (await request.json()) as { sentAt: number; batch: number }
      const data = JSON.stringify({ sentAt: body.sentAt })
      const sends: Promise<void>[] = []
      for (let i = 0; i < body.batch; i++) sends.push(queue.publish('hop-one', data))
      await Promise.all(sends)
      return new Response(null, { status: 202 })
    },
  }
}

if (import.meta.main) {
  const bare = createBareChain(process.env.STORE ?? 'memory', process.env.DIR ?? '.', Number(process.env.CONCURRENCY ?? 100))
  Bun.serve({
    port: Number(process.env.PORT),
    hostname: '127.0.0.1',
    routes: {
      '/__motia/health': () => new Response('ok'),
      '/stats': () => Response.json(bare.stats()),
      '/reset': () => {
        bare.reset()
        return new Response(null, { status: 204 })
      },
      '/chain': { POST: (request) => bare.chain(request) },
    },
  })
}

/** The bare queue alone: one `bun:sqlite` table in `dir` ('sqlite'), or plain arrays ('memory'). */
export function createBareQueue(store: string, dir: string, concurrency: number): BareQueue {
  return store === 'sqlite' ? sqliteQueue(dir, concurrency) : memoryQueue(concurrency)
}

// --- internal ---

function memoryQueue(concurrency: number): BareQueue {
  const topics = new Map<string, { items: string[]; head: number; running: number; handler?: Handler }>()
  const topic = (name: string) => topics.get(name) ?? topics.set(name, { items: [], head: 0, running: 0 }).get(name)!
  const pump = (t: ReturnType<typeof topic>) => {
    while (t.handler && t.running < concurrency && t.head < t.items.length) {
      const data = t.items[t.head++]!
      if (t.head > 4096 && t.head * 2 > t.items.length) (t.items = t.items.slice(t.head)), (t.head = 0)
      t.running++
      void Promise.resolve(t.handler(data)).finally(() => {
        t.running--
        pump(t)
      })
    }
  }
  return {
    publish(name, data) {
      const t = topic(name)
      t.items.push(data)
      pump(t)
      return Promise.resolve()
    },
    consume(name, handler) {
      topic(name).handler = handler
    },
  }
}

function sqliteQueue(dir: string, concurrency: number): BareQueue {
  mkdirSync(dir, { recursive: true })
  const db = new Database(join(dir, 'bare-queue.sqlite'), { create: true })
  db.run('PRAGMA journal_mode = WAL')
  db.run('PRAGMA synchronous = NORMAL')
  db.run('CREATE TABLE IF NOT EXISTS q (id INTEGER PRIMARY KEY AUTOINCREMENT, topic TEXT NOT NULL, data TEXT NOT NULL, leased INTEGER NOT NULL DEFAULT 0)')
  db.run('CREATE INDEX IF NOT EXISTS q_ready ON q (topic, leased, id)')
  // A lease does not outlive the process: what was leased when it stopped is delivered again.
  db.run('UPDATE q SET leased = 0')
  const insert = db.prepare('INSERT INTO q (topic, data) VALUES (?, ?)')
  const remove = db.prepare('DELETE FROM q WHERE id = ?')
  const lease = db.prepare<{ id: number; data: string }, [string, number]>(
    'UPDATE q SET leased = 1 WHERE id IN (SELECT id FROM q WHERE topic = ? AND leased = 0 ORDER BY id LIMIT ?) RETURNING id, data',
  )
  const consumers = new Map<string, { handler: Handler; running: number }>()
  let inserts: Array<{ topic: string; data: string; done: () => void }> = []
  let acks: number[] = []
  let scheduled = false
  const schedule = () => {
    if (scheduled) return
    scheduled = true
    setImmediate(flush)
  }
  const flush = () => {
    scheduled = false
    const written = inserts
    const acked = acks
    inserts = []
    acks = []
    const leased: Array<{ topic: string; rows: Array<{ id: number; data: string }> }> = []
    db.transaction(() => {
      for (const w of written) insert.run(w.topic, w.data)
      for (const id of acked) remove.run(id)
      for (const [topic, c] of consumers) {
        const free = concurrency - c.running
        if (free > 0) leased.push({ topic, rows: lease.all(topic, free) })
      }
    })()
    for (const w of written) w.done()
    for (const { topic, rows } of leased) {
      const c = consumers.get(topic)!
      for (const row of rows) {
        c.running++
        void Promise.resolve(c.handler(row.data)).finally(() => {
          c.running--
          acks.push(row.id)
          schedule()
        })
      }
    }
  }
  return {
    publish(topic, data) {
      return new Promise<void>((done) => {
        inserts.push({ topic, data, done })
        schedule()
      })
    },
    consume(topic, handler) {
      consumers.set(topic, { handler, running: 0 })
      schedule()
    },
  }
}
