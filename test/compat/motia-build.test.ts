/**
 * `motia build` on a Motia project that imports `@motiadev/core` (its config and a step, values
 * as well as types) and lists Motia's plugins: the executable, run alone from another folder,
 * answers over HTTP, runs the queue step, and says what serves each plugin, as `motia dev` does.
 */
import { afterAll, expect, test } from 'bun:test'
import { cpSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { runCli } from '../helpers/cli.ts'
import { freePort, makeProject } from '../helpers/project.ts'

const project = makeProject({
  'package.json': JSON.stringify({ name: 'tickets', version: '1.2.0', type: 'module' }),
  'motia.config.ts': `
    import { defineConfig } from '@motiadev/core'
    import endpointPlugin from '@motiadev/plugin-endpoint/plugin'
    import bullmqPlugin from '@motiadev/plugin-bullmq/plugin'
    export default defineConfig({ plugins: [endpointPlugin, bullmqPlugin] })
  `,
  'steps/create-ticket.step.ts': `
    import { http, jsonSchema, step } from '@motiadev/core'
    import { z } from 'zod'
    const trigger = http('POST', '/tickets', { bodySchema: jsonSchema(z.object({ title: z.string() })) })
    export const { config, handler } = step({ name: 'CreateTicket', triggers: [trigger], enqueues: ['ticket.created'] }, async ({ request }, ctx) => {
      const id = 't-' + request.body.title
      await ctx.enqueue({ topic: 'ticket.created', data: { id, title: request.body.title } })
      return { status: 201, body: { id } }
    })
  `,
  'steps/store-ticket.step.ts': `
    import type { Handlers, StepConfig } from '@motiadev/core'
    import { z } from 'zod'
    export const config = {
      name: 'StoreTicket',
      triggers: [{ type: 'queue', topic: 'ticket.created', input: z.object({ id: z.string(), title: z.string() }) }],
    } as const satisfies StepConfig
    export const handler: Handlers<typeof config> = async (input, { state }) => {
      await state.set('tickets', input.id, input)
    }
  `,
  'steps/get-ticket.step.ts': `
    import { http, step } from '@motiadev/core'
    export const { config, handler } = step({ name: 'GetTicket', triggers: [http('GET', '/tickets/:id')] }, async ({ request }, { state }) => {
      const ticket = await state.get('tickets', request.pathParams.id!)
      return ticket ? { status: 200, body: ticket } : { status: 404, body: { error: 'no such ticket' } }
    })
  `,
})
const runDir = mkdtempSync(join(tmpdir(), 'motia-exe-'))

afterAll(() => {
  project.cleanup()
  rmSync(runDir, { recursive: true, force: true })
})

test('a project importing @motiadev/core and its plugins builds, and the executable run from another folder answers', async () => {
  const built = await runCli(['build', '--outfile', 'dist/tickets'], project.root)
  expect(built.stderr).toBe('')
  expect(built.code).toBe(0)

  const exe = join(runDir, 'tickets')
  cpSync(join(project.root, 'dist/tickets'), exe)
  const port = freePort()
  const proc = Bun.spawn([exe], { cwd: runDir, env: { PATH: '/usr/bin:/bin', PORT: String(port), MOTIA_LOG_FORMAT: 'json' }, stdout: 'pipe', stderr: 'pipe' })
  const output = new Response(proc.stdout).text()
  try {
    const base = `http://127.0.0.1:${port}`
    let created: Response | undefined
    while (!created && proc.exitCode === null) {
      created = await fetch(`${base}/tickets`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"title":"printer"}' }).catch(() => Bun.sleep(20).then(() => undefined))
    }
    expect(created!.status).toBe(201)
    expect(await created!.json()).toEqual({ id: 't-printer' })
    // The queue step stores it; a limit only stops a hang.
    let ticket: Response | undefined
    for (const started = Date.now(); ticket?.status !== 200 && Date.now() - started < 60_000; ) {
      ticket = await fetch(`${base}/tickets/t-printer`)
      if (ticket.status !== 200) await Bun.sleep(20)
    }
    expect(await ticket!.json()).toEqual({ id: 't-printer', title: 'printer' })
  } finally {
    proc.kill('SIGTERM')
    await proc.exited
  }
  // Motia's plugins were recognised by name inside the executable, as under motia dev.
  const notices = (await output).split('\n').filter((line) => line.includes('@motiadev/plugin-'))
  expect(notices).toEqual([expect.stringContaining('@motiadev/plugin-endpoint'), expect.stringContaining('@motiadev/plugin-bullmq')])
}, 240_000)

test('a Motia package with no counterpart here fails the build in one line naming the file, the package and the fix (not "bun add" it)', async () => {
  project.write('steps/analytics.step.ts', `import { track } from '@motiadev/analytics'\nexport const config = { name: 'Track', triggers: [{ type: 'http', method: 'GET', path: '/track' }] }\nexport const handler = async () => ({ status: 200, body: track() })\n`)
  try {
    const built = await runCli(['build', '--outfile', 'dist/broken'], project.root)
    expect(built.code).toBe(1)
    expect(built.stderr).toContain("steps/analytics.step.ts imports a module that cannot be found: '@motiadev/analytics' (@motiadev/analytics is a Motia package with no counterpart here: remove its import")
    expect(built.stderr).not.toContain('bun add')
    expect(built.stderr).not.toContain('    at ')
  } finally {
    project.remove('steps/analytics.step.ts')
  }
}, 240_000)
