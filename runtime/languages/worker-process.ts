/**
 * One worker process: spawned with the language's interpreter, greeted (`hello` → `welcome`),
 * then frames both ways. Its own requests' results are matched here; everything else the worker
 * sends (context calls, logs, cancel acknowledgements) goes to `onFrame`. Whatever it writes to
 * stderr is logged, bounded. When it exits, every request in flight is rejected.
 */
import { join } from 'node:path'
import type { Subprocess } from 'bun'
import type { Logger } from '../observability/logger.ts'
import { LanguageUnavailableError, WorkerExitedError } from './errors.ts'
import { createFrameReader, defaultMaxFrameBytes, PROTOCOL_VERSION, type RuntimeFrame, type WorkerFrame } from './protocol.ts'
import type { LanguageDefinition } from './types.ts'

export interface WorkerProcessOptions {
  language: LanguageDefinition
  command: readonly string[]
  sdkDir: string
  /** The project root as the worker sees it (the extracted copy in a built executable). */
  root: string
  cwd: string
  logLevel: string
  logger: Logger
  env: Record<string, string | undefined>
  maxFrameBytes?: number
  onFrame(frame: WorkerFrame): void
  /**
   * Called as a request's result is read, before its promise settles: frames read in one chunk
   * are handled in one go, so a context call right behind an invoke's result must already find
   * that run ended.
   */
  onResult?(id: number): void
  /** Called once when the process ends (not when `kill` was asked for). */
  onExit(description: string): void
}

export interface WorkerProcess {
  readonly pid: number
  /** Resolves after the handshake; rejects with `LanguageUnavailableError` if it never comes. */
  readonly ready: Promise<void>
  send(frame: RuntimeFrame): void
  /** Sends a request (its `id` given by the caller) and resolves with the result's value. */
  request(frame: RuntimeFrame & { id: number }): Promise<unknown>
  /** Forgets a request: its late result will be ignored. */
  forget(id: number): void
  /** Asks the worker to stop, then kills it if it has not within `graceMs`. */
  stop(graceMs: number): Promise<void>
  kill(): void
  readonly exited: Promise<void>
}

type Pending = { resolve(value: unknown): void; reject(error: unknown): void }

// One closure of ~120 lines, on purpose: the handshake, the outgoing buffer, the pending calls
// and the exit handling all belong to the one child process; the frame reader and the stderr
// log live apart (wire.ts, createStderrLog below).
/** Spawns the worker. Throws `LanguageUnavailableError` when the interpreter cannot be started. */
export function spawnWorker(options: WorkerProcessOptions): WorkerProcess {
  const { language, logger } = options
  const argv = [...options.command, join(options.sdkDir, language.worker)]
  let proc: Subprocess<'pipe', 'pipe', 'pipe'>
  try {
    proc = Bun.spawn(argv, { cwd: options.cwd, env: { ...options.env, ...language.env }, stdin: 'pipe', stdout: 'pipe', stderr: 'pipe' })
  } catch (error) {
    throw new LanguageUnavailableError(`[motia] ${language.label} steps are not loaded: "${options.command[0]}" could not be started (${(error as Error).message}). Install ${language.install}`, {
      cause: error,
    })
  }
  const pending = new Map<number, Pending>()
  const stderr = createStderrLog(language, logger, proc.pid)
  let greeted = false
  let stopping = false
  let outgoing: string[] = []
  let handshake!: { resolve(): void; reject(error: unknown): void }
  const ready = new Promise<void>((resolve, reject) => (handshake = { resolve, reject }))
  ready.catch(() => undefined)

  const flush = () => {
    if (outgoing.length === 0) return
    const text = outgoing.join('')
    outgoing = []
    try {
      // A pipe's sink writes at once and keeps what the pipe could not take for when it drains;
      // flush (a second system call, ~5 µs a turn) is only needed when the write left a rest.
      const written = proc.stdin.write(text)
      // (`write` counts bytes: a frame with non-ASCII text has more bytes than characters.)
      if (typeof written !== 'number' || written < Buffer.byteLength(text)) proc.stdin.flush()
    } catch {
      // The worker is gone: its exit rejects what was in flight.
    }
  }
  const send = (frame: RuntimeFrame) => {
    const line = `${JSON.stringify(frame)}\n`
    // Frames of one turn of the event loop go out in one write: the requests that arrived on
    // every connection in that turn, not one write (and one wake-up of the worker) per request.
    if (outgoing.length === 0) setImmediate(flush)
    outgoing.push(line)
  }

  const hello = (frame: Extract<WorkerFrame, { type: 'hello' }>) => {
    if (frame.protocol !== PROTOCOL_VERSION) {
      handshake.reject(
        new LanguageUnavailableError(
          `[motia] ${language.label} steps are not loaded: the worker speaks protocol ${JSON.stringify(frame.protocol)} and this runtime speaks ${PROTOCOL_VERSION}: use the SDK that ships with this version of motia`,
        ),
      )
      proc.kill('SIGKILL')
      return
    }
    greeted = true
    send({ type: 'welcome', protocol: PROTOCOL_VERSION, root: options.root, cwd: options.cwd, logLevel: options.logLevel, maxFrameBytes: options.maxFrameBytes ?? defaultMaxFrameBytes })
    handshake.resolve()
  }

  const read = createFrameReader(
    (frame) => {
      if (frame.type === 'result') {
        const request = pending.get(frame.id)
        if (!request) return
        pending.delete(frame.id)
        options.onResult?.(frame.id)
        if (frame.ok) request.resolve(frame.value)
        else request.reject(frame.error ?? {})
      } else if (frame.type === 'hello') hello(frame)
      else options.onFrame(frame)
    },
    (problem) => logger.warn(`[motia] ${language.name} worker (pid ${proc.pid}) sent ${problem}`, { language: language.name }),
    options.maxFrameBytes ?? defaultMaxFrameBytes,
  )
  const pump = async (stream: ReadableStream<Uint8Array>, onChunk: (chunk: Uint8Array) => void) => {
    const reader = stream.getReader()
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) onChunk(chunk.value)
  }
  const outputDone = Promise.all([pump(proc.stdout, read), pump(proc.stderr, stderr.write)]).catch(() => undefined)

  const exited = proc.exited.then(async (code) => {
    await outputDone
    stderr.end()
    const how = proc.signalCode ? `was killed (${proc.signalCode})` : `exited with code ${code}`
    const error = new WorkerExitedError(`[motia] the ${language.name} worker (pid ${proc.pid}) ${how}`)
    for (const request of pending.values()) request.reject(error)
    pending.clear()
    if (!greeted) {
      const said = stderr.tail()
      handshake.reject(
        new LanguageUnavailableError(`[motia] ${language.label} steps are not loaded: "${argv.join(' ')}" ${how} before it was ready${said ? `: ${said}` : ''}. Install ${language.install}`),
      )
    }
    if (!stopping) options.onExit(how)
  })

  return {
    pid: proc.pid,
    ready,
    send,
    request(frame) {
      return new Promise((resolve, reject) => {
        pending.set(frame.id, { resolve, reject })
        send(frame)
      })
    },
    forget: (id) => void pending.delete(id),
    async stop(graceMs) {
      stopping = true
      send({ type: 'shutdown' })
      flush()
      try {
        proc.stdin.end()
      } catch {
        // already closed
      }
      const timer = setTimeout(() => proc.kill('SIGKILL'), graceMs)
      await exited
      clearTimeout(timer)
    },
    kill() {
      proc.kill('SIGKILL')
    },
    exited,
  }
}

// --- internal ---

const maxLinesPerSecond = 200
const maxLineLength = 8 * 1024

/**
 * Logs the worker's stderr line by line (what reaches it: crashes, warnings of the interpreter,
 * output of child processes). A flood is cut to `maxLinesPerSecond`, and the count of lines left
 * out is logged, so nothing goes silently; the last lines are kept to explain an early exit.
 */
function createStderrLog(language: LanguageDefinition, logger: Logger, pid: number) {
  const decoder = new TextDecoder()
  const last: string[] = []
  const fields = { language: language.name, pid }
  let partial = ''
  let windowStart = 0
  let inWindow = 0
  let dropped = 0
  let summary: ReturnType<typeof setTimeout> | undefined
  const report = () => {
    summary = undefined
    if (dropped) logger.warn(`[motia] ${language.name} worker: ${dropped} more line(s) of stderr were not logged (over ${maxLinesPerSecond} a second)`, fields)
    dropped = 0
  }
  const line = (text: string) => {
    if (!text.trim()) return
    const shown = text.length > maxLineLength ? `${text.slice(0, maxLineLength)}… (${text.length} characters)` : text
    last.push(shown)
    if (last.length > 20) last.shift()
    const now = Date.now()
    if (now - windowStart >= 1000) {
      windowStart = now
      inWindow = 0
    }
    if (++inWindow <= maxLinesPerSecond) return logger.warn(`[${language.name}] ${shown}`, fields)
    // Over the rate: counted, and the count logged when this second ends.
    dropped++
    summary ??= setTimeout(report, windowStart + 1000 - now)
  }
  return {
    write(chunk: Uint8Array) {
      const text = partial + decoder.decode(chunk, { stream: true })
      const lines = text.split('\n')
      partial = lines.pop() ?? ''
      if (partial.length > maxLineLength * 4) {
        lines.push(partial)
        partial = ''
      }
      for (const each of lines) line(each)
    },
    end() {
      if (partial) line(partial)
      partial = ''
      clearTimeout(summary)
      report()
    },
    tail: () => last.slice(-5).join(' | '),
  }
}
