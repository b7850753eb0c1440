/**
 * Motia's own starter and playground (test/compat/fixtures, copied unmodified from Motia's
 * repositories): `tsc --noEmit` over them reports nothing, with only `motia` (this package)
 * installed and the `types.d.ts` that `motia generate types` writes, and they run under the real
 * `motia dev` over a real port.
 */
import { afterEach, describe, expect, test } from 'bun:test'
import { cpSync } from 'node:fs'
import { join } from 'node:path'
import { startCli, runCli, type CliProcess } from '../helpers/cli.ts'
import { freePort, makeProject, type TempProject } from '../helpers/project.ts'
import { projectTsconfig, typeCheck } from '../helpers/typecheck.ts'

const fixtures = join(import.meta.dir, 'fixtures')
const motiaProjects = ['motia-starter', 'motia-playground']

let project: TempProject | undefined
let cli: CliProcess | undefined

afterEach(async () => {
  await cli?.stop()
  project?.cleanup()
  cli = project = undefined
})

/** A workspace holding copies of `names` (fixtures), each in its own folder. */
function workspace(names: string[]): TempProject {
  const made = makeProject()
  for (const name of names) cpSync(join(fixtures, name), join(made.root, name), { recursive: true })
  return made
}

// Ours, beside Motia's files: what the generated types give the items of a stream whose file
// annotates `config: StreamConfig` (todo.stream.ts does), so the check fails if they fall back to unknown.
const streamItemChecks = `
  import type { Streams } from 'motia'
  export const todo: Streams['todo'] = { id: 't1', description: 'milk', createdAt: 'now', dueDate: 'later' }
  // @ts-expect-error description is a string in the stream's schema
  export const wrongTodo: Streams['todo'] = { id: 't1', description: 42, createdAt: 'now' }
  // @ts-expect-error the inbox stream's items have a watching count
  export const wrongInbox: Streams['inbox'] = { watched: 1 }
`

describe("Motia's own starter and playground", () => {
  test('tsc --noEmit reports no error over them (with the types.d.ts motia generate types writes)', async () => {
    project = workspace(motiaProjects)
    for (const name of motiaProjects) {
      const generated = await runCli(['generate', 'types'], join(project.root, name))
      expect({ name, code: generated.code, stderr: generated.stderr }).toEqual({ name, code: 0, stderr: '' })
    }
    project.write('motia-playground/stream-items.check.ts', streamItemChecks)
    project.write('tsconfig.json', projectTsconfig({ include: ['**/*.ts'] }))
    // The diagnostics, printed in the failure, name the file and line of each error.
    expect(await typeCheck(project.root)).toBe('')
  }, 240_000)

  test("the starter's steps run under motia dev: a ticket is created, listed, triaged by its queue trigger and by hand, and escalated", async () => {
    project = workspace(['motia-starter'])
    const root = join(project.root, 'motia-starter')
    cli = await startCli(['dev', '--port', String(freePort())], root)
    const c = cli
    const post = (path: string, body: unknown) => c.fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })

    const created = await post('/tickets', { title: 'Login broken', description: '500 on login', priority: 'critical', customerEmail: 'a@example.com' })
    expect(created.status).toBe(200)
    const { ticketId, status } = (await created.json()) as { ticketId: string; status: string }
    expect(status).toBe('open')
    const listed = (await c.json('/tickets')) as { count: number; tickets: Array<{ id: string; priority: string }> }
    expect(listed.tickets.filter((t) => t.id === ticketId).map((t) => t.priority)).toEqual(['critical'])

    // The queue trigger of the multi-trigger TriageTicket step auto-triages it (state key `<id>:triage`).
    await c.until('/tickets', (body) => (body as typeof listed).tickets.some((t) => (t as { assignee?: string; ticketId?: string }).ticketId === ticketId && (t as { assignee?: string }).assignee === 'senior-support'), 60_000)

    const triaged = await post('/tickets/triage', { ticketId, assignee: 'alice', priority: 'high' })
    expect(await triaged.json()).toEqual({ ticketId, assignee: 'alice', status: 'triaged' })
    const missing = await post('/tickets/triage', { ticketId: 'TKT-none', assignee: 'alice', priority: 'low' })
    expect(missing.status).toBe(404)
    const escalated = await post('/tickets/escalate', { ticketId, reason: 'enterprise customer' })
    expect(await escalated.json()).toEqual({ ticketId, escalatedTo: 'engineering-lead', message: 'Ticket escalated successfully' })
  }, 120_000)

  test("the playground's steps run under motia dev: todos through the stream annotated StreamConfig, a parallel merge through a queue and a stream", async () => {
    project = workspace(['motia-playground'])
    const root = join(project.root, 'motia-playground')
    cli = await startCli(['dev', '--port', String(freePort())], root)
    const c = cli
    const send = (method: string, path: string, body?: unknown) =>
      c.fetch(path, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) })

    const created = await send('POST', '/todo', { description: 'buy milk' })
    expect(created.status).toBe(200)
    const todo = (await created.json()) as { id: string; description: string }
    expect(todo.description).toBe('buy milk')
    const updated = await send('PUT', `/todo/${todo.id}`, { description: 'buy oat milk' })
    expect(await updated.json()).toMatchObject({ id: todo.id, description: 'buy oat milk' })
    // A status the step's responseSchema does not list (400), answered as the handler returns it.
    const empty = await send('PUT', `/todo/${todo.id}`, {})
    expect({ status: empty.status, body: await empty.json() }).toEqual({ status: 400, body: { error: 'No fields to update' } })
    expect(await (await send('DELETE', `/todo/${todo.id}`)).json()).toEqual({ id: todo.id })
    expect((await send('DELETE', `/todo/${todo.id}`)).status).toBe(404)

    const merge = await send('POST', '/api/stream-parallel-merge', { totalSteps: 3 })
    const { traceId } = (await merge.json()) as { traceId: string }
    expect(typeof traceId).toBe('string')
    // Three queue messages, each incrementing the stream item (the step logs each completion).
    await c.waitForOutput(/(completed step \d[\s\S]*){3}/, 0, 60_000)
    const completions = c.output().split('\n').filter((line) => line.includes('[stream-step-process] completed step'))
    expect(completions).toHaveLength(3)
  }, 120_000)
})
