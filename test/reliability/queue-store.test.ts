/**
 * A damaged store, through the real CLI (issue #9, points 14 and 19): a `.motia/motia.db` that is
 * not a database is refused in one line naming the file and the fix, by every command that opens
 * it; a stored message whose data is not JSON is dead-lettered with the parse error, and the server
 * starts and goes on instead of crashing at every start.
 */
import { Database } from 'bun:sqlite'
import { afterEach, expect, test } from 'bun:test'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { runCli, startCli, type CliProcess } from '../helpers/cli.ts'
import { freePort, makeProject, type TempProject } from '../helpers/project.ts'

let project: TempProject | undefined
let server: CliProcess | undefined

afterEach(async () => {
  await server?.stop()
  server = undefined
  project?.cleanup()
})

const steps = {
  'steps/queue/jobs.step.ts': `
    export const config = { triggers: [{ type: 'queue', config: { maxRetries: 0 } }] }
    export const handler = async (job, { state }) => { await state.set('done', job.id, true) }
  `,
  'steps/http/done.get.step.ts': `
    export const handler = async (req, { state }) => ({ status: 200, body: (await state.entries('done')).map((e) => e.key) })
  `,
}

test('a .motia/motia.db that is not a database is refused in one line naming the file and the fix, by every command', async () => {
  project = makeProject(steps)
  const database = join(project.root, '.motia', 'motia.db')
  mkdirSync(join(project.root, '.motia'))
  writeFileSync(database, 'this is not a database\n'.repeat(100))
  const expected = `[motia] cannot open the store ${database} (file is not a database): move it away to start with an empty store (mv ${database} ${database}.broken; its messages, dead letters and state stay in the moved file), or restore it from a backup`
  for (const args of [['start', '--port', String(freePort())], ['dev', '--port', String(freePort())], ['dlq', 'list'], ['enqueue', '-t', 'jobs', '--data', '{}']]) {
    const result = await runCli(args, project.root)
    expect({ args, code: result.code, stderr: result.stderr.trim() }).toEqual({ args, code: 1, stderr: expected })
  }
}, 60_000)

test('a folder where the database file should be is refused the same way', async () => {
  project = makeProject(steps)
  const database = join(project.root, '.motia', 'motia.db')
  mkdirSync(database, { recursive: true })
  const result = await runCli(['start', '--port', String(freePort())], project.root)
  expect(result.code).toBe(1)
  expect(result.stderr.trim()).toStartWith(`[motia] cannot open the store ${database} (unable to open database file): move it away to start with an empty store`)
  expect(result.stderr.trim().split('\n')).toHaveLength(1)
}, 60_000)

test('a stored message whose data is not JSON is dead-lettered with the parse error; the server starts and delivers the rest', async () => {
  project = makeProject(steps)
  expect((await runCli(['enqueue', '-t', 'jobs', '--data', '{"id":"good"}'], project.root)).code).toBe(0)
  const db = new Database(join(project.root, '.motia', 'motia.db'))
  db.run(`INSERT INTO motia_queue (topic, step, data, trace_id, enqueued_at, visible_at) VALUES ('jobs', 'Jobs', '{"id": tru', 'hand-written', 0, 0)`)
  db.close()
  server = await startCli(['start', '--port', String(freePort())], project.root)
  await server.until('/done', (body) => (body as string[]).includes('good'), 15_000)
  await server.waitForOutput(/dead-lettered a message on \\"jobs\\"/)
  const letters = JSON.parse((await runCli(['dlq', 'list', '--json'], project.root)).stdout) as Array<{ data: unknown; error: string; traceId: string }>
  expect(letters).toHaveLength(1)
  expect(letters[0]).toMatchObject({ data: '{"id": tru', traceId: 'hand-written' })
  expect(letters[0]?.error).toStartWith('the stored data is not valid JSON (')
  expect((await server.fetch('/__motia/health')).status).toBe(200)
}, 60_000)
