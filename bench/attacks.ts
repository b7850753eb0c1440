/**
 * What an attack adds to an unrelated request's wait (issue #18, points 3 and 7), measured against
 * the same server in the same run without the attack: GET /ping is timed in a loop while nothing
 * else happens, then while one WebSocket sends 30 000 join frames, then while the console counts and
 * pages 2000 dead letters of 150 KB each. Each phase is measured ROUNDS times, alternating; the
 * table gives the medians and what the attack added to p50 and p99.
 *
 *   bun bench/attacks.ts
 *   ROUNDS=5 JOINS=30000 LETTERS=2000 bun bench/attacks.ts
 *
 * The server is the real `motia dev` in a temp folder (stream caps raised so the 30 000 joins are
 * all served, not refused); the flood is a process of its own (test/helpers/stream-flood.ts) so that
 * reading its answers costs this one nothing.
 */
import { Database } from 'bun:sqlite'
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { createSqliteQueue } from '../runtime/adapters/queue/sqlite.ts'

const repo = resolve(import.meta.dir, '..')
const rounds = Number(process.env.ROUNDS ?? 3)
const joins = Number(process.env.JOINS ?? 30_000)
const letters = Number(process.env.LETTERS ?? 2000)
const pad = 150_000

const root = mkdtempSync(join(tmpdir(), 'motia-attacks-'))
const files: Record<string, string> = {
  'package.json': JSON.stringify({ name: 'attacks', type: 'module' }),
  'motia.config.ts': `export default { streams: { maxSubscriptions: 1_000_000, joinsPerSecond: 1_000_000, maxBufferedBytes: 256 << 20 } }\n`,
  'steps/todo.stream.ts': `import { z } from 'zod'\nexport const config = { name: 'todo', schema: z.object({ text: z.string() }) }\n`,
  'steps/ping.step.ts': `export const config = { name: 'Ping', triggers: [{ type: 'http', method: 'GET', path: '/ping' }] }\nexport const handler = async () => ({ status: 200, body: { ok: true } })\n`,
  'steps/work.step.ts': `export const config = { name: 'Work', triggers: [{ type: 'queue', topic: 'work', config: { maxRetries: 0 } }] }\nexport const handler = async () => { throw new Error('work failed') }\n`,
}
for (const [file, text] of Object.entries(files)) {
  mkdirSync(join(root, file, '..'), { recursive: true })
  writeFileSync(join(root, file), text)
}
await seedDeadLetters(join(root, '.motia/motia.db'))

const port = 20_000 + Math.floor(Math.random() * 20_000)
const base = `http://127.0.0.1:${port}`
const server = Bun.spawn([process.execPath, join(repo, 'cli/index.ts'), 'dev', '--port', String(port)], { cwd: root, stdout: 'ignore', stderr: 'ignore', env: { ...process.env, MOTIA_LOG_FORMAT: 'json' } })

try {
  await ready()
  const phases: Record<string, number[][]> = { quiet: [], 'join flood': [], 'dead-letter pages': [] }
  for (let round = 1; round <= rounds; round++) {
    phases.quiet!.push(await probeWhile(Bun.sleep(3000)))
    phases['join flood']!.push(await probeWhile(joinFlood()))
    phases['dead-letter pages']!.push(await probeWhile(pageDeadLetters()))
    console.log(`round ${round}/${rounds} done`)
  }
  report(phases)
} finally {
  server.kill()
  await server.exited
  rmSync(root, { recursive: true, force: true })
}

/** The letters written straight into the store's table (the adapter would take minutes to fail them). */
async function seedDeadLetters(path: string) {
  await createSqliteQueue({ path }).close()
  const db = new Database(path)
  const insert = db.prepare('INSERT INTO motia_dead_letters (id, topic, step, group_id, data, trace_id, attempts, error, failed_at) VALUES (?, ?, ?, NULL, ?, ?, ?, ?, ?)')
  const data = (i: number) => JSON.stringify({ i, pad: 'p'.repeat(pad) })
  db.transaction(() => {
    for (let i = 0; i < letters; i++) insert.run(`dl-${i}`, 'work', 'Work', data(i), `trace-${i}`, 1, `work failed ${i}`, Date.now() - letters + i)
  })()
  db.close()
}

async function ready() {
  const deadline = Date.now() + 60_000
  while (Date.now() < deadline) {
    const res = await fetch(`${base}/ping`).catch(() => undefined)
    if (res?.ok) return
    await Bun.sleep(100)
  }
  throw new Error('motia dev did not answer within 60 s')
}

/** Times GET /ping one after another until `work` settles; the waits in ms. */
async function probeWhile(work: Promise<unknown>): Promise<number[]> {
  let done = false
  const finished = work.finally(() => (done = true))
  const waits: number[] = []
  while (!done) {
    const started = performance.now()
    const res = await fetch(`${base}/ping`)
    await res.arrayBuffer()
    waits.push(performance.now() - started)
  }
  await finished
  return waits
}

async function joinFlood() {
  const child = Bun.spawn([process.execPath, join(repo, 'test/helpers/stream-flood.ts'), `ws://127.0.0.1:${port}/`, String(joins), 'groups'], { stdout: 'pipe', stderr: 'pipe' })
  const [out, code] = await Promise.all([new Response(child.stdout).text(), child.exited])
  const result = JSON.parse(out.trim() || '{}') as { syncs?: number }
  if (code !== 0 || result.syncs !== joins) throw new Error(`the flood was not served whole (exit ${code}): ${out}`)
}

/** The Queues page's list and every dead-letter page, 200 at a time, as an operator pages through. */
async function pageDeadLetters() {
  await fetch(`${base}/__motia/api/queues`).then((res) => res.arrayBuffer())
  let cursor: string | undefined
  let seen = 0
  do {
    const res = await fetch(`${base}/__motia/api/queues/dead-letters?limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`)
    const page = (await res.json()) as { deadLetters: unknown[]; next?: string }
    seen += page.deadLetters.length
    cursor = page.next
  } while (cursor)
  if (seen !== letters) throw new Error(`paged ${seen} dead letters, expected ${letters}`)
}

function report(phases: Record<string, number[][]>) {
  const at = (values: number[], q: number) => {
    const sorted = [...values].sort((a, b) => a - b)
    return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!
  }
  const median = (values: number[]) => at(values, 0.5)
  const summary = Object.fromEntries(
    Object.entries(phases).map(([name, runs]) => [name, { p50: median(runs.map((w) => at(w, 0.5))), p99: median(runs.map((w) => at(w, 0.99))), max: median(runs.map((w) => at(w, 1))), count: median(runs.map((w) => w.length)) }]),
  )
  const quiet = summary.quiet!
  console.log(`\nGET /ping while an attack runs (motia dev, ${joins} joins on one socket, ${letters} dead letters of ${pad / 1000} KB), median of ${rounds} rounds`)
  console.log('phase               GETs    p50 ms   p99 ms   max ms   added p50   added p99')
  for (const [name, s] of Object.entries(summary)) {
    const added = name === 'quiet' ? ['', ''] : [`+${(s.p50 - quiet.p50).toFixed(2)}`, `+${(s.p99 - quiet.p99).toFixed(2)}`]
    console.log(`${name.padEnd(18)} ${String(s.count).padStart(5)}  ${s.p50.toFixed(2).padStart(7)}  ${s.p99.toFixed(2).padStart(7)}  ${s.max.toFixed(1).padStart(7)}   ${added[0]!.padStart(9)}   ${added[1]!.padStart(9)}`)
  }
}
