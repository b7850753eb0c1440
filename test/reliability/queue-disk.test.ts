/**
 * A full disk never ends the process (issue #9, point 13), against a real `motia start` on a real
 * port: while the store cannot grow, enqueues answer 503 with a clear message; once there is room
 * they are accepted again, and every message accepted before, during and after is delivered.
 *
 * The disk is "filled" deterministically: a step caps the page count of the server's own SQLite
 * connection (`PRAGMA max_page_count`, a per-connection setting) at its current size, so any write
 * that needs a new page fails with SQLITE_FULL, exactly as on a full disk.
 */
import { afterAll, beforeAll, expect, test } from 'bun:test'
import { startCli, type CliProcess } from '../helpers/cli.ts'
import { freePort, makeProject, repoRoot, type TempProject } from '../helpers/project.ts'

let project: TempProject
let server: CliProcess

beforeAll(async () => {
  project = makeProject({
    'steps/http/disk.post.step.ts': `
      import { join } from 'node:path'
      import { openDatabase } from '${repoRoot}/runtime/adapters/sqlite/database.ts'
      // The server's own connection: openDatabase shares one per file and process.
      export const handler = async (req) => {
        const shared = openDatabase(join(process.cwd(), '.motia', 'motia.db'))
        try {
          const { page_count } = shared.db.query('PRAGMA page_count').get()
          shared.db.run('PRAGMA max_page_count = ' + (req.body.full ? page_count : 1073741823))
        } finally {
          shared.release()
        }
        return { status: 204 }
      }
    `,
    'steps/http/orders.post.step.ts': `
      export const config = { enqueues: ['orders'] }
      export const handler = async (req, { enqueue }) => {
        await enqueue({ topic: 'orders', data: { id: req.body.id, pad: 'x'.repeat(4000) } })
        return { status: 202, body: { id: req.body.id } }
      }
    `,
    'steps/queue/orders.step.ts': `
      import { seen } from '../../lib/seen.ts'
      export const config = { triggers: [{ type: 'queue', config: { concurrency: 5 } }] }
      export const handler = async (order) => { seen.add(order.id) }
    `,
    'steps/http/seen.get.step.ts': `
      import { seen } from '../../lib/seen.ts'
      export const handler = async () => ({ status: 200, body: [...seen] })
    `,
    'lib/seen.ts': 'export const seen = new Set()\n',
  })
  server = await startCli(['start', '--port', String(freePort())], project.root)
}, 60_000)

afterAll(async () => {
  await server?.stop()
  project.cleanup()
})

const send = (path: string, body: unknown) => server.fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })

test('enqueues answer 503 while the disk is full, the server stays up, and nothing accepted is lost', async () => {
  const accepted: number[] = []
  const order = async (id: number) => {
    const res = await send('/orders', { id })
    if (res.status === 202) accepted.push(id)
    return { status: res.status, body: (await res.json()) as { error?: string } }
  }
  for (let id = 0; id < 10; id++) expect((await order(id)).status).toBe(202)

  expect((await send('/disk', { full: true })).status).toBe(204)
  const during = await Promise.all(Array.from({ length: 100 }, (_, n) => order(100 + n)))
  const refused = during.filter((outcome) => outcome.status !== 202)
  expect(refused.length).toBeGreaterThan(0)
  expect(new Set(refused.map((outcome) => outcome.status))).toEqual(new Set([503]))
  const database = `${project.root}/.motia/motia.db`
  expect(refused[0]?.body.error).toBe(
    `[motia] the message to "orders" was not enqueued: the store ${database} cannot take writes right now (database or disk is full); free disk space or fix the file's permissions, then retry`,
  )
  await server.waitForOutput(/the queue store .* cannot take writes \(database or disk is full\)/)
  expect((await server.fetch('/__motia/health')).status).toBe(200)

  expect((await send('/disk', { full: false })).status).toBe(204)
  for (let id = 1000; id < 1010; id++) expect((await order(id)).status).toBe(202)
  await server.until('/seen', (body) => accepted.every((id) => (body as number[]).includes(id)), 15_000)
  await server.waitForOutput(/takes writes again: consumers resume/)
  expect(server.output()).not.toMatch(/internal error|Internal Server Error|uncaught/i)
}, 60_000)
