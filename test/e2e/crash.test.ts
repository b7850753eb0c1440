/**
 * Crash test: the real `motia start` is killed with SIGKILL while 5,000 messages flow through an
 * HTTP → queue → queue chain; after a restart every accepted message must reach the last step.
 * Duplicates are allowed (at-least-once) and reported.
 */
import { afterAll, expect, test } from 'bun:test'
import { Database } from 'bun:sqlite'
import { freePort, makeProject } from '../helpers/project.ts'
import { startCli, type CliProcess } from '../helpers/cli.ts'

const total = 5000
const project = makeProject({
  'steps/http/jobs.post.step.ts': `
    export const config = { enqueues: ['stage-one'] }
    export const handler = async (req, { enqueue }) => {
      await enqueue({ topic: 'stage-one', data: { id: req.body.id } })
      return { status: 202, body: { accepted: req.body.id } }
    }
  `,
  'steps/queue/stage-one/forward.step.ts': `
    export const config = { enqueues: ['stage-two'], triggers: [{ type: 'queue', topic: 'stage-one', config: { concurrency: 20 } }] }
    export const handler = async (job, { enqueue }) => {
      await Bun.sleep(1)
      await enqueue({ topic: 'stage-two', data: job })
    }
  `,
  'steps/queue/stage-two/arrive.step.ts': `
    export const config = { triggers: [{ type: 'queue', topic: 'stage-two', config: { concurrency: 20 } }] }
    export const handler = async (job, { state }) => {
      await Bun.sleep(1)
      await state.update('arrived', job.id, [{ type: 'increment' }])
    }
  `,
  'steps/http/arrived.get.step.ts': `
    export const handler = async (req, { state }) => {
      const entries = await state.entries('arrived')
      return { status: 200, body: { keys: entries.length, total: entries.reduce((sum, e) => sum + e.value, 0) } }
    }
  `,
})
let server: CliProcess | undefined

afterAll(async () => {
  await server?.stop()
  project.cleanup()
})

test('no accepted message is lost when the server is killed with SIGKILL mid-way', async () => {
  const port = freePort()
  server = await startCli(['start', '--port', String(port)], project.root)
  const accepted = new Set<number>()
  let next = 0
  const send = async (target: CliProcess, until: () => boolean) => {
    const worker = async () => {
      while (!until() && next < total) {
        const id = next++
        const ok = await target
          .fetch('/jobs', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ id: String(id) }) })
          .then((res) => res.status === 202)
          .catch(() => false)
        if (ok) accepted.add(id)
        else return
      }
    }
    await Promise.all(Array.from({ length: 32 }, worker))
  }

  // Kill while requests are in flight and both queues hold a backlog.
  const first = server
  await send(first, () => {
    if (accepted.size >= total / 2 && first.signalled === undefined) first.signal('SIGKILL')
    return first.signalled !== undefined
  })
  await first.exited()
  const db = new Database(`${project.root}/.motia/motia.db`)
  const backlog = db.query('SELECT COUNT(*) AS n FROM motia_queue').get() as { n: number }
  db.close()

  server = await startCli(['start', '--port', String(port)], project.root)
  const unsent = Array.from({ length: total }, (_, id) => id).filter((id) => !accepted.has(id))
  next = 0
  const resend = async () => {
    while (next < unsent.length) {
      const id = unsent[next++] as number
      const res = await server!.fetch('/jobs', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ id: String(id) }) })
      expect(res.status).toBe(202)
      accepted.add(id)
    }
  }
  await Promise.all(Array.from({ length: 32 }, resend))
  expect(accepted.size).toBe(total)

  await server.until('/arrived', (body) => (body as { keys: number }).keys === total, 60_000)
  const { keys, total: deliveries } = (await server.json('/arrived')) as { keys: number; total: number }
  console.log(`crash test: ${total} accepted, ${backlog.n} copies queued at the kill, ${keys} arrived, ${deliveries - keys} duplicate deliveries`)
  expect(keys).toBe(total)
  expect(backlog.n).toBeGreaterThan(0)
}, 120_000)
