/** `motia logs`: the running server's recent log lines, then (`--follow`) new ones as they are written. */
import { prettySink, type LogEntry } from '../../runtime/observability/logger.ts'
import { defineCommand } from '../command.ts'
import { UsageError } from '../errors.ts'
import { serverApi } from '../server-api.ts'

interface LogsOptions {
  dir: string
  follow?: boolean
  trace?: string
  step?: string
  level?: string
  json?: boolean
}

export default defineCommand({
  name: 'logs',
  description: "print the running server's recent log lines; --follow for new ones as they come",
  options: [
    { flags: '-f, --follow', description: 'keep printing new lines' },
    { flags: '--trace <id>', description: 'only lines of this trace' },
    { flags: '-s, --step <step>', description: 'only lines of this step' },
    { flags: '-l, --level <level>', description: 'this level and above: debug, info, warn, error' },
    { flags: '--json', description: 'print one JSON object a line' },
  ],
  dir: true,
  examples: ['motia logs --follow', 'motia logs --trace 67ae80a6f73be7d616d5000000000001', 'motia logs -s SendEmail -l warn'],
  run: logs,
})

async function logs(opts: LogsOptions): Promise<void> {
  if (opts.level && !['debug', 'info', 'warn', 'error'].includes(opts.level)) throw new UsageError(`--level must be debug, info, warn or error; got "${opts.level}"`)
  const server = serverApi(opts.dir)
  const query = new URLSearchParams({ ...(opts.trace && { traceId: opts.trace }), ...(opts.step && { step: opts.step }), ...(opts.level && { level: opts.level }) })
  const print = opts.json ? (entry: LogEntry) => process.stdout.write(`${JSON.stringify(entry)}\n`) : prettySink()
  // Follow first (and wait until the server listens for us), then read the recent lines, then
  // print what arrived meanwhile and was not among them: no line is missed in between.
  const early: LogEntry[] = []
  let ready = false
  const seen = new Set<string>()
  let opened = () => {}
  const open = new Promise<void>((resolve) => (opened = resolve))
  const following = opts.follow
    ? server.follow(
        `/live?events=log&${query}`,
        (event, data) => {
          if (event !== 'log') return
          if (ready) print(data as LogEntry)
          else early.push(data as LogEntry)
        },
        opened,
      )
    : undefined
  if (following) await Promise.race([open, following])
  const recent = await server.get<{ logs: LogEntry[] }>(`/logs?limit=1000&${query}`)
  for (const entry of recent.logs) {
    print(entry)
    seen.add(JSON.stringify(entry))
  }
  if (!following) {
    if (recent.logs.length === 0 && !opts.json) process.stderr.write('(no log lines yet: steps write them with ctx.logger)\n')
    return
  }
  for (const entry of early) if (!seen.has(JSON.stringify(entry))) print(entry)
  ready = true
  await following
  throw new UsageError(`the server at ${server.url} stopped`)
}
