/**
 * Two projects written here in Motia's styles (test/compat/fixtures/motia-style-*; see its
 * README): a 1.x starter and a playground. `tsc --noEmit` over them reports nothing, with only
 * `motia` (this package) installed and the `types.d.ts` that `motia generate types` writes, and
 * they run under the real `motia dev` over a real port.
 */
import { afterEach, describe, expect, test } from 'bun:test'
import { cpSync } from 'node:fs'
import { join } from 'node:path'
import { startCli, runCli, type CliProcess } from '../helpers/cli.ts'
import { freePort, makeProject, type TempProject } from '../helpers/project.ts'
import { projectTsconfig, typeCheck } from '../helpers/typecheck.ts'

const fixtures = join(import.meta.dir, 'fixtures')
const styleProjects = ['motia-style-starter', 'motia-style-playground']

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

// Beside the playground's files: what the generated types give the items of the streams whose
// files annotate `config: StreamConfig`, so that the check fails if they fall back to unknown.
const streamItemChecks = `
  import type { Streams } from 'motia'
  export const note: Streams['note'] = { id: 'n1', text: 'water the basil', pinned: false, createdAt: 'now' }
  // @ts-expect-error text is a string in the stream's schema
  export const wrongNote: Streams['note'] = { id: 'n1', text: 42, pinned: false, createdAt: 'now' }
  // @ts-expect-error the readers stream's items hold a count
  export const wrongReaders: Streams['readers'] = { readers: 1 }
`

describe('projects written in Motia’s styles', () => {
  test('tsc --noEmit reports no error over them (with the types.d.ts motia generate types writes)', async () => {
    project = workspace(styleProjects)
    for (const name of styleProjects) {
      const generated = await runCli(['generate', 'types'], join(project.root, name))
      expect({ name, code: generated.code, stderr: generated.stderr }).toEqual({ name, code: 0, stderr: '' })
    }
    project.write('motia-style-playground/stream-items.check.ts', streamItemChecks)
    project.write('tsconfig.json', projectTsconfig({ include: ['**/*.ts'] }))
    // The diagnostics, printed in the failure, name the file and line of each error.
    expect(await typeCheck(project.root)).toBe('')
  }, 240_000)

  test("the starter's steps run under motia dev: a loan is requested, listed, reviewed by its queue trigger, decided down the queue chain, reviewed by hand and reminded", async () => {
    project = workspace(['motia-style-starter'])
    const root = join(project.root, 'motia-style-starter')
    cli = await startCli(['dev', '--port', String(freePort())], root)
    const c = cli
    const post = (path: string, body: unknown) => c.fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
    type Listed = { total: number; loans: Array<Record<string, unknown>> }

    const created = await post('/loans', { title: 'Dune', borrowerEmail: 'r@example.com', format: 'paperback', days: 14 })
    expect(created.status).toBe(200)
    const { loanId, status } = (await created.json()) as { loanId: string; status: string }
    expect(status).toBe('requested')
    const listed = (await c.json('/loans')) as Listed
    expect(listed.loans.filter((l) => l.id === loanId).map((l) => l.format)).toEqual(['paperback'])
    const refused = await post('/loans', { title: ' ', borrowerEmail: 'r@example.com', format: 'ebook', days: 3 })
    expect({ status: refused.status, body: await refused.json() }).toEqual({ status: 400, body: { error: 'A loan needs a title and at least one day' } })

    // RequestLoan → loan::requested → ReviewLoan's queue trigger → loan::reviewed → RecordDecision.
    await c.until('/loans', (body) => (body as Listed).loans.some((l) => l.loanId === loanId && l.decision === 'approved' && typeof l.traceId === 'string'), 60_000)
    const records = ((await c.json('/loans')) as Listed).loans.filter((l) => l.loanId === loanId)
    expect(records.map((l) => l.reviewer ?? 'decision').sort()).toEqual(['auto', 'decision'])

    const reviewed = await post('/loans/review', { loanId, reviewer: 'ines', days: 30 })
    expect(await reviewed.json()).toEqual({ loanId, reviewer: 'ines', decision: 'approved' })
    const missing = await post('/loans/review', { loanId: 'LN-none', reviewer: 'ines', days: 3 })
    expect({ status: missing.status, body: await missing.json() }).toEqual({ status: 404, body: { error: 'No loan LN-none' } })
    const reminded = await post('/loans/remind', { loanId, note: 'due Friday' })
    expect(await reminded.json()).toEqual({ loanId, channel: 'email', message: 'Reminder sent' })
  }, 120_000)

  test("the playground's steps run under motia dev: notes through the stream annotated StreamConfig, seeds with JSON Schema bodies, a batch through a queue and a new Stream", async () => {
    project = workspace(['motia-style-playground'])
    const root = join(project.root, 'motia-style-playground')
    cli = await startCli(['dev', '--port', String(freePort())], root)
    const c = cli
    const send = (method: string, path: string, body?: unknown) =>
      c.fetch(path, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) })

    const added = await send('POST', '/notes', { text: 'water the basil' })
    expect(added.status).toBe(200)
    const note = (await added.json()) as { id: string; text: string; pinned: boolean }
    expect({ text: note.text, pinned: note.pinned }).toEqual({ text: 'water the basil', pinned: false })
    const edited = await send('PUT', `/notes/${note.id}`, { text: 'water the basil twice' })
    expect(await edited.json()).toMatchObject({ id: note.id, text: 'water the basil twice', pinned: false })
    // A status the step's responseSchema does not list (400), answered as the handler returns it.
    const empty = await send('PUT', `/notes/${note.id}`, {})
    expect({ status: empty.status, body: await empty.json() }).toEqual({ status: 400, body: { error: 'Nothing to change: send text or pinned' } })
    // The multi-trigger PinNote step, through its http trigger.
    expect(await (await send('POST', `/notes/${note.id}/pin`)).json()).toEqual({ id: note.id, pinned: true })
    expect(await (await send('DELETE', `/notes/${note.id}`)).json()).toEqual({ id: note.id })
    expect((await send('DELETE', `/notes/${note.id}`)).status).toBe(404)

    const seeds = await send('POST', '/seeds/batch', [{ seed: { name: 'tomato', variety: 'San Marzano' }, packet: { grams: 5 } }, { seed: { name: 'basil', variety: 'Genovese' } }])
    expect(((await seeds.json()) as Array<{ name: string }>).map((s) => s.name)).toEqual(['tomato', 'basil'])
    // The packet order goes down the queue to PackSeeds, whose input is a JSON Schema.
    await c.waitForOutput(/Seeds packed/, 0, 60_000)

    const started = await send('POST', '/api/batches', { parts: 3 })
    const { batchId } = (await started.json()) as { batchId: string }
    expect(typeof batchId).toBe('string')
    // Three queue messages, each counted on the batch stream through the imported `new Stream`.
    await c.until(`/api/batches/${batchId}`, (body) => (body as { finishedParts: number }).finishedParts === 3, 60_000)
    expect(await c.json(`/api/batches/${batchId}`)).toEqual({ batchId, parts: 3, finishedParts: 3 })
    const finished = c.output().split('\n').filter((line) => line.includes('[batch-part] finished part'))
    expect(finished).toHaveLength(3)
  }, 120_000)
})
