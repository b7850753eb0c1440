/**
 * `motia replay <trace-id> [--step <name>]`: re-runs a recorded run with its recorded input in the
 * running `motia dev`, against the current code, and prints the new trace beside the old one.
 * `motia replay <run-id> [--from <checkpoint>]`: starts a durable run again, replaying its
 * checkpoints up to `--from` from its record.
 */
import { resolve } from 'node:path'
import type { WorkflowRun } from '../../runtime/adapters/workflows/types.ts'
import type { TraceOutline, TraceReplay } from '../../runtime/workflows/replay.ts'
import { defineCommand } from '../command.ts'
import { UsageError } from '../errors.ts'
import { printJson, printTable } from '../output.ts'

interface ReplayOptions {
  step?: string
  from?: string
  dir: string
  json?: boolean
}

export default defineCommand({
  name: 'replay',
  description: 'run a recorded run again with its input (motia dev), or a durable run from a checkpoint',
  arguments: [{ name: '<id>', description: 'a trace id (see motia traces), or a workflow run id (see motia runs list)' }],
  options: [
    { flags: '-s, --step <name>', description: 'with a trace id: the step to re-run (default: the trace\'s first)' },
    { flags: '-f, --from <checkpoint>', description: 'with a run id: execute from this checkpoint on, replaying the ones before it' },
    { flags: '--json', description: 'print the result as JSON' },
  ],
  dir: true,
  examples: ['motia replay 4bf92f3577b34da6a3ce929d0e0e4736', 'motia replay 4bf92f3577b34da6a3ce929d0e0e4736 --step SendEmail', 'motia replay run_lx2k0001ab12cd34 --from charge'],
  async run(id: string, opts: ReplayOptions) {
    const root = resolve(opts.dir)
    if (id.startsWith('run_')) {
      if (opts.step) throw new UsageError('--step goes with a trace id; for a run id, choose a checkpoint with --from')
      const run = await call<{ run: WorkflowRun }>(root, `/__motia/runs/${encodeURIComponent(id)}/replay`, opts.from === undefined ? {} : { from: opts.from })
      if (opts.json) return printJson(run)
      return void process.stdout.write(`started run ${run.run.id}, replaying ${id}${opts.from ? ` from "${opts.from}"` : ' from the start'} (motia runs show ${run.run.id})\n`)
    }
    if (opts.from) throw new UsageError('--from goes with a workflow run id (run_…); a trace is replayed whole')
    if (!/^[0-9a-f]{32}$/.test(id)) throw new UsageError(`"${id}" is neither a trace id (32 hex digits, see motia traces) nor a run id (run_…, see motia runs list)`)
    const replay = await call<TraceReplay>(root, '/__motia/replay', { traceId: id, ...(opts.step ? { step: opts.step } : {}) })
    if (opts.json) return printJson(replay)
    process.stdout.write(`replayed ${replay.step}: ${replay.ok ? 'ok' : `failed: ${replay.error}`}\n\n`)
    sideBySide(replay.original, replay.replay)
  },
})

// --- internal ---

async function call<T>(root: string, path: string, body: unknown): Promise<T> {
  const { readProjectLock } = await import('../../runtime/project-lock.ts')
  const lock = readProjectLock(root)
  if (!lock?.url) throw new UsageError(`no motia server is running for ${root}: start one with motia dev (replay runs in the server, against its current code)`)
  let res: Response
  try {
    res = await fetch(new URL(path, lock.url.replace('0.0.0.0', '127.0.0.1')), { method: 'POST', headers: { 'content-type': 'application/json', 'x-motia-token': lock.token }, body: JSON.stringify(body) })
  } catch (error) {
    throw new UsageError(`the server at ${lock.url} did not answer (${(error as Error).message}); is it still running?`, { cause: error })
  }
  const answer = (await res.json().catch(() => ({}))) as T & { error?: string }
  if (!res.ok) throw new UsageError(answer.error ?? `the server answered ${res.status}`)
  return answer
}

/** The old trace's spans beside the new one's, row by row. */
function sideBySide(original: TraceOutline, replay: TraceOutline | undefined): void {
  const cell = (span: TraceOutline['spans'][number] | undefined) => (span ? `${span.step} (${span.trigger}) ${span.status}${span.durationMs !== undefined ? ` ${span.durationMs} ms` : ''}${span.error ? `: ${span.error}` : ''}` : '')
  const rows = Math.max(original.spans.length, replay?.spans.length ?? 0)
  printTable([`ORIGINAL ${original.id}`, `REPLAY ${replay?.id ?? '(not recorded)'}`], Array.from({ length: rows }, (_, i) => [cell(original.spans[i]), cell(replay?.spans[i])]), 70)
}
