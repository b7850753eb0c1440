/** `motia traces`: the running server's recent traces, newest first. */
import type { TraceSummary } from '../../runtime/adapters/traces/types.ts'
import { defineCommand, jsonOption, parseCount } from '../command.ts'
import { printJson, printTable } from '../output.ts'
import { serverApi } from '../server-api.ts'

interface TracesOptions {
  dir: string
  step?: string
  failed?: boolean
  limit?: number
  json?: boolean
}

export default defineCommand({
  name: 'traces',
  description: "list the running server's recent traces, newest first",
  options: [
    { flags: '-s, --step <step>', description: 'only traces in which this step ran' },
    { flags: '--failed', description: 'only failed traces' },
    { flags: '-n, --limit <n>', description: 'how many (default 50)', parse: parseCount('--limit') },
    jsonOption,
  ],
  dir: true,
  examples: ['motia traces', 'motia traces --step SendEmail --failed'],
  run: traces,
})

async function traces(opts: TracesOptions): Promise<void> {
  const query = new URLSearchParams({ limit: String(opts.limit ?? 50), ...(opts.step && { step: opts.step }), ...(opts.failed && { status: 'error' }) })
  const { traces } = await serverApi(opts.dir).get<{ traces: TraceSummary[] }>(`/traces?${query}`)
  if (opts.json) return printJson(traces)
  if (traces.length === 0) {
    process.stdout.write(opts.step || opts.failed ? 'no trace matches\n' : 'no traces yet: every request, cron tick and enqueue starts one\n')
    return
  }
  const rows = traces.map((t) => [new Date(t.startedAt).toISOString().slice(11, 23), t.status, `${t.durationMs} ms`, t.name, t.steps.join(' → '), t.id])
  printTable(['started', 'status', 'duration', 'name', 'steps', 'trace id'], rows)
}
