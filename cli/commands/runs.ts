/** `motia runs list | show | cancel | wake`: durable workflow runs, read and changed straight in the project's store. */
import { resolve } from 'node:path'
import type { Checkpoint, RunStatus, WorkflowRun } from '../../runtime/adapters/workflows/types.ts'
import { defineCommand, jsonOption, parseCount } from '../command.ts'
import { UsageError } from '../errors.ts'
import { printJson, printTable } from '../output.ts'

interface Common {
  dir: string
  json?: boolean
}

const statuses: readonly RunStatus[] = ['queued', 'running', 'sleeping', 'waiting', 'completed', 'failed', 'cancelled']

export default defineCommand({
  name: 'runs',
  description: 'list, inspect, cancel and wake durable workflow runs',
  examples: ['motia runs list', 'motia runs list --status sleeping', 'motia runs show run_lx2k0001ab12cd34', 'motia runs cancel run_lx2k0001ab12cd34'],
  commands: [
    {
      name: 'list',
      description: 'list runs, newest first, with their status and checkpoint count',
      options: [
        { flags: '-s, --status <status>', description: `only runs in this status (${statuses.join(', ')})` },
        { flags: '--step <step>', description: 'only runs of this step' },
        { flags: '-n, --limit <n>', description: 'at most this many (default 50)', parse: parseCount('--limit', 'runs') },
        jsonOption,
      ],
      dir: true,
      examples: ['motia runs list', 'motia runs list --status failed --json'],
      run: list,
    },
    {
      name: 'show',
      description: "print one run with its input, output and every checkpoint",
      arguments: [{ name: '<id>', description: 'the run id (see motia runs list)' }],
      options: [jsonOption],
      dir: true,
      examples: ['motia runs show run_lx2k0001ab12cd34'],
      run: show,
    },
    {
      name: 'cancel',
      description: 'cancel runs that have not ended: a running one stops at its next checkpoint, a sleeping or waiting one never resumes',
      arguments: [{ name: '<ids...>', description: 'run ids' }],
      options: [jsonOption],
      dir: true,
      examples: ['motia runs cancel run_lx2k0001ab12cd34'],
      run: cancel,
    },
    {
      name: 'wake',
      description: 'end the sleep of a sleeping run now, or time out the wait of a waiting one now',
      arguments: [{ name: '<id>', description: 'the run id' }],
      options: [jsonOption],
      dir: true,
      examples: ['motia runs wake run_lx2k0001ab12cd34'],
      run: wake,
    },
  ],
})

async function list(opts: Common & { status?: string; step?: string; limit?: number }): Promise<void> {
  if (opts.status !== undefined && !statuses.includes(opts.status as RunStatus)) throw new UsageError(`--status must be one of ${statuses.join(', ')}; got "${opts.status}"`)
  const runs = await withStore(opts.dir, ({ workflows }) => workflows.list({ status: opts.status as RunStatus | undefined, step: opts.step, limit: opts.limit ?? 50 }))
  if (opts.json) return printJson(runs)
  if (runs.length === 0) return void process.stdout.write('no workflow runs\n')
  printTable(['ID', 'STEP', 'STATUS', 'EXECUTIONS', 'CREATED', 'WAKES / ERROR'], runs.map(row))
}

async function show(id: string, opts: Common): Promise<void> {
  const found = await withStore(opts.dir, async ({ workflows }) => {
    const run = await workflows.get(id)
    return run && { run, checkpoints: await workflows.checkpoints(id) }
  })
  if (!found) throw new UsageError(`no workflow run with id ${id}: see motia runs list`)
  if (opts.json) return printJson(found)
  const { run, checkpoints } = found
  const lines = [
    `run        ${run.id}`,
    `step       ${run.step}`,
    `status     ${run.status}${run.pending ? ` at "${run.pending}"` : ''}${run.wakeAt ? ` until ${new Date(run.wakeAt).toISOString()}` : ''}`,
    `trace      ${run.traceId}`,
    `created    ${new Date(run.createdAt).toISOString()}`,
    `executions ${run.executions}`,
    `input      ${clip(run.input)}`,
    ...(run.output !== undefined ? [`output     ${clip(run.output)}`] : []),
    ...(run.error ? [`error      ${run.error}`] : []),
  ]
  process.stdout.write(`${lines.join('\n')}\n\n`)
  if (checkpoints.length === 0) return void process.stdout.write('no checkpoints yet\n')
  printTable(['#', 'CHECKPOINT', 'KIND', 'DONE', 'AT', 'RESULT'], checkpoints.map(pointRow))
}

async function cancel(ids: string[], opts: Common): Promise<void> {
  const { cancelRun } = await import('../../runtime/workflows/engine.ts')
  const outcome = await withStore(opts.dir, async ({ workflows }) => {
    const results: Array<{ id: string; cancelled: boolean; status?: string }> = []
    for (const id of ids) {
      const cancelled = await cancelRun(workflows, id, 'cancelled with motia runs cancel')
      results.push({ id, cancelled: cancelled !== undefined, status: cancelled?.status ?? (await workflows.get(id))?.status })
    }
    return results
  })
  if (opts.json) return printJson(outcome)
  for (const result of outcome) {
    if (result.cancelled) process.stdout.write(`cancelled ${result.id}\n`)
    else process.stdout.write(result.status ? `${result.id} is ${result.status} already: nothing to cancel\n` : `no workflow run with id ${result.id}\n`)
  }
  if (outcome.some((r) => !r.status)) throw new UsageError(`unknown run id(s): ${outcome.filter((r) => !r.status).map((r) => r.id).join(', ')}; see motia runs list`)
}

async function wake(id: string, opts: Common): Promise<void> {
  const { wakeRun } = await import('../../runtime/workflows/engine.ts')
  const woken = await withStore(opts.dir, async ({ workflows, queue }) => ({ run: await wakeRun(workflows, queue, id), now: await workflows.get(id) }))
  if (!woken.now) throw new UsageError(`no workflow run with id ${id}: see motia runs list`)
  if (!woken.run) throw new UsageError(`run ${id} is ${woken.now.status}: only a sleeping or waiting run can be woken`)
  if (opts.json) return printJson({ woken: id })
  process.stdout.write(`woke ${id} (${woken.run.status} at "${woken.run.pending}"); the server resumes it\n`)
}

// --- internal ---

async function withStore<T>(dir: string, action: (adapters: import('../../runtime/adapters/resolve.ts').ResolvedAdapters) => Promise<T>): Promise<T> {
  const { withProjectAdapters } = await import('../../runtime/project.ts')
  return withProjectAdapters(resolve(dir), action)
}

function row(run: WorkflowRun): string[] {
  const detail = run.error ?? (run.wakeAt ? `${run.pending ?? ''} ${new Date(run.wakeAt).toISOString()}` : (run.pending ?? ''))
  return [run.id, run.step, run.status, String(run.executions), new Date(run.createdAt).toISOString(), detail]
}

function pointRow(point: Checkpoint): string[] {
  const result = point.error ? `error: ${point.error.message}` : point.kind === 'run' || point.done ? clip(point.value) : point.until ? `until ${new Date(point.until).toISOString()}` : `on ${point.topic}`
  return [String(point.seq + 1), point.id, point.kind, point.done ? 'yes' : 'no', new Date(point.at).toISOString(), result]
}

function clip(value: unknown): string {
  const text = JSON.stringify(value) ?? 'undefined'
  return text.length > 120 ? `${text.slice(0, 117)}...` : text
}
