/**
 * Helpers for Python step tests: find the worker process a `motia` process started (to kill it
 * the way an OOM killer would), and talk to a worker directly over the protocol.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { python } from '../../runtime/languages/python/index.ts'
import { PROTOCOL_VERSION, createFrameReader, type WorkerFrame } from '../../runtime/languages/protocol.ts'
import type { LanguageDefinition } from '../../runtime/languages/types.ts'
import type { CliProcess } from './cli.ts'

/** The pids of the workers running `script` (Python's by default) that process `pid` started (its direct children). */
export function workerPids(pid: number, script: string = python.worker): number[] {
  const children: number[] = []
  let tasks: string[] = []
  try {
    tasks = readdirSync(`/proc/${pid}/task`)
  } catch {
    return []
  }
  for (const task of tasks) {
    try {
      children.push(...readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').split(/\s+/).filter(Boolean).map(Number))
    } catch {
      // the thread ended meanwhile
    }
  }
  return children.filter((child) => {
    try {
      return readFileSync(`/proc/${child}/cmdline`, 'utf8').includes(script)
    } catch {
      return false
    }
  })
}

/** Whether process `pid` still runs (and is not a zombie). */
export function isAlive(pid: number): boolean {
  try {
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'))
  } catch {
    return false
  }
}

export interface RawWorker {
  frames: WorkerFrame[]
  stderr(): string
  send(frame: unknown): void
  /** Writes raw bytes to the worker's stdin, protocol or not. */
  write(bytes: string | Uint8Array): void
  /** Closes the worker's stdin. */
  end(): void
  /** Waits for the first frame (after `from`) matching `match`. */
  next(match: (frame: WorkerFrame) => boolean, from?: number): Promise<WorkerFrame>
  exited: Promise<number>
  kill(): void
}

/**
 * A worker (Python's unless `language` says) spawned by hand, greeted, with project `root`: for
 * protocol-level tests that play the runtime's part.
 */
export async function startRawWorker(root: string, options: { command?: string[]; maxFrameBytes?: number; language?: LanguageDefinition; env?: Record<string, string> } = {}): Promise<RawWorker> {
  const language = options.language ?? python
  const command = options.command ?? [...language.command]
  const proc = Bun.spawn([...command, join(language.sdkDir, language.worker)], { cwd: root, env: { ...process.env, ...options.env }, stdin: 'pipe', stdout: 'pipe', stderr: 'pipe' })
  const frames: WorkerFrame[] = []
  const waiters = new Set<() => void>()
  let errText = ''
  const read = createFrameReader(
    (frame) => {
      frames.push(frame)
      for (const wake of waiters) wake()
    },
    (problem) => frames.push({ type: 'log', run: null, level: 'error', msg: `bad line: ${problem}` }),
  )
  void (async () => {
    const reader = proc.stdout.getReader()
    for (let c = await reader.read(); !c.done; c = await reader.read()) read(c.value)
  })()
  void (async () => {
    const reader = proc.stderr.getReader()
    const decoder = new TextDecoder()
    for (let c = await reader.read(); !c.done; c = await reader.read()) errText += decoder.decode(c.value)
  })()
  const worker: RawWorker = {
    frames,
    stderr: () => errText,
    send: (frame) => worker.write(`${JSON.stringify(frame)}\n`),
    write(bytes) {
      proc.stdin.write(bytes)
      proc.stdin.flush()
    },
    next(match, from = 0) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = frames.slice(from).find(match)
          if (found) {
            waiters.delete(check)
            resolve(found)
          }
        }
        waiters.add(check)
        proc.exited.then(() => {
          check()
          if (waiters.has(check)) reject(new Error(`the worker exited before the frame came; stderr: ${errText}`))
        })
        check()
      })
    },
    end: () => void proc.stdin.end(),
    exited: proc.exited,
    kill: () => proc.kill('SIGKILL'),
  }
  await worker.next((frame) => frame.type === 'hello')
  worker.send({ type: 'welcome', protocol: PROTOCOL_VERSION, root, cwd: root, logLevel: 'debug', maxFrameBytes: options.maxFrameBytes ?? 64 * 1024 * 1024 })
  return worker
}

/** A JavaScript step answering `GET /peek/:group/:key` with `{ value }` from state: what tests read Python steps' writes through. */
export const peekStep: Record<string, string> = {
  'steps/http/peek/[group]/[key].get.step.js': `
    export const config = { name: 'Peek' }
    export const handler = async (req, { state }) => ({ status: 200, body: { value: (await state.get(req.params.group, req.params.key)) ?? null } })
  `,
}

/** The path of `peekStep` for a state key. */
export function peekPath(group: string, key: string): string {
  return `/peek/${encodeURIComponent(group)}/${encodeURIComponent(key)}`
}

/** Waits until the state value at (group, key), read through `peekStep`, passes `check`. */
export function untilPeek(cli: CliProcess, group: string, key: string, check: (value: any) => boolean): Promise<void> {
  return cli.until(peekPath(group, key), (body) => check((body as { value: unknown }).value), 20_000)
}
