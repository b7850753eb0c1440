/**
 * Runs the real `motia` CLI as a child process and talks to it over its real port.
 */
import { repoRoot } from './project.ts'

export interface CliProcess {
  port: number
  pid: number
  /** The exit code, or null while the process runs. */
  exitCode(): number | null
  /** Everything printed so far (stdout and stderr). */
  output(): string
  fetch(path: string, init?: RequestInit): Promise<Response>
  json(path: string): Promise<unknown>
  /** Polls `path` until `check(body)` holds. */
  until(path: string, check: (body: unknown) => boolean, timeoutMs?: number): Promise<void>
  untilStatus(path: string, status: number, timeoutMs?: number): Promise<void>
  /** Waits for output matching `pattern` after character `from`. */
  waitForOutput(pattern: RegExp, from?: number, timeoutMs?: number): Promise<void>
  signal(signal: NodeJS.Signals): void
  /** The last signal sent with `signal`. */
  signalled?: NodeJS.Signals
  exited(): Promise<number>
  stop(): Promise<void>
}

/** Starts `motia <args>` in `cwd` and resolves once it answers on its port. */
export async function startCli(args: string[], cwd: string, env: Record<string, string> = {}): Promise<CliProcess> {
  const portIndex = args.indexOf('--port')
  const port = Number(args[portIndex + 1])
  const proc = Bun.spawn([process.execPath, `${repoRoot}/cli/index.ts`, ...args], {
    cwd,
    env: { ...process.env, MOTIA_LOG_FORMAT: 'json', ...env },
    stdout: 'pipe',
    stderr: 'pipe',
  })
  let text = ''
  const drain = async (stream: ReadableStream<Uint8Array>) => {
    const decoder = new TextDecoder()
    const reader = stream.getReader()
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) text += decoder.decode(chunk.value, { stream: true })
  }
  void drain(proc.stdout)
  void drain(proc.stderr)
  const base = `http://127.0.0.1:${port}`
  const cli: CliProcess = {
    port,
    pid: proc.pid,
    exitCode: () => proc.exitCode,
    output: () => text,
    fetch: (path, init) => fetch(base + path, init),
    async json(path) {
      const res = await fetch(base + path)
      return res.json()
    },
    async until(path, check, timeoutMs = 30_000) {
      let last: unknown
      await poll(async () => {
        const res = await fetch(base + path).catch(() => undefined)
        if (!res || res.status >= 400) return false
        const type = res.headers.get('content-type') ?? ''
        last = type.includes('json') ? await res.json() : await res.text()
        return check(last)
      }, timeoutMs, () => `GET ${path} never matched; last body ${JSON.stringify(last)}\n${text}`)
    },
    async untilStatus(path, status, timeoutMs = 30_000) {
      await poll(async () => (await fetch(base + path).catch(() => undefined))?.status === status, timeoutMs, () => `GET ${path} never answered ${status}`)
    },
    async waitForOutput(pattern, from = 0, timeoutMs = 30_000) {
      await poll(() => pattern.test(text.slice(from)), timeoutMs, () => `output never matched ${pattern}:\n${text.slice(from)}`)
    },
    signal(signal) {
      cli.signalled = signal
      proc.kill(signal)
    },
    exited: () => proc.exited,
    async stop() {
      if (proc.exitCode === null) proc.kill('SIGKILL')
      await proc.exited
    },
  }
  // Limits here only stop a hang: they return as soon as the event happens, and a loaded machine
  // (two suites at once on two cores) takes tens of seconds to start a server.
  await poll(
    async () => (await fetch(`${base}/__motia/health`).catch(() => undefined))?.ok === true || proc.exitCode !== null,
    60_000,
    () => `motia ${args.join(' ')} did not start:\n${text}`,
  )
  if (proc.exitCode !== null) throw new Error(`motia ${args.join(' ')} exited with ${proc.exitCode}:\n${text}`)
  return cli
}

async function poll(check: () => boolean | Promise<boolean>, timeoutMs: number, describe: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(describe())
    await Bun.sleep(25)
  }
}

export interface CliResult {
  code: number
  stdout: string
  stderr: string
}

/** Runs `motia <args>` to completion in `cwd`, with no stdin. */
export async function runCli(args: string[], cwd: string, env: Record<string, string> = {}): Promise<CliResult> {
  const proc = Bun.spawn([process.execPath, `${repoRoot}/cli/index.ts`, ...args], {
    cwd,
    env: { ...process.env, MOTIA_LOG_FORMAT: 'json', ...env },
    stdin: 'ignore',
    stdout: 'pipe',
    stderr: 'pipe',
  })
  const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited])
  return { code, stdout, stderr }
}
