/**
 * A private `redis-server` for a test: started on a free port with no persistence, stopped
 * afterwards. Tests never touch a Redis that was already running (the machine's own may hold
 * other keys). `npm test` installs redis-server where it is missing (scripts/prerequisites.ts); start
 * it inside `beforeAllTests` so that without it each test fails by name.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Subprocess } from 'bun'
import { freePort } from './project.ts'
import { requireBinary } from './prerequisites.ts'

export interface TestRedis {
  port: number
  url: string
  /** Stops the server (SIGKILL when `hard`); `start` brings it back on the same port. */
  stop(hard?: boolean): Promise<void>
  start(): Promise<void>
  /**
   * Freezes the server (SIGSTOP) with its connections open: commands sent now get no answer until
   * `resume()`, then run. A client that gave up meanwhile cannot know whether its write happened.
   */
  pause(): void
  resume(): void
  /** Stops it for good and removes its folder. */
  cleanup(): Promise<void>
}

/**
 * Starts a redis-server on a free port and resolves once it answers PING. `persistent` keeps an
 * append-only file synced on every write, so data survives `stop()` and `start()`.
 */
export async function startRedisServer(options: { persistent?: boolean } = {}): Promise<TestRedis> {
  const redisServerBinary = requireBinary('redis-server')
  const port = freePort()
  const dir = mkdtempSync(join(tmpdir(), 'motia-redis-'))
  let proc: Subprocess | undefined

  const start = async () => {
    proc = Bun.spawn([redisServerBinary, '--port', String(port), '--bind', '127.0.0.1', '--save', '', '--dir', dir, ...(options.persistent ? ['--appendonly', 'yes', '--appendfsync', 'always'] : ['--appendonly', 'no'])], {
      stdout: 'ignore',
      stderr: 'pipe',
    })
    // Generous: a restarted server replays its append-only file first, slowly on a loaded machine.
    const deadline = Date.now() + 60_000
    while (!(await ping(port))) {
      if (proc.exitCode !== null) throw new Error(`redis-server on port ${port} exited with ${proc.exitCode}: ${await new Response(proc.stderr as ReadableStream).text()}`)
      if (Date.now() > deadline) throw new Error(`redis-server on port ${port} did not answer PING within 60 s`)
      await Bun.sleep(20)
    }
  }
  const stop = async (hard = false) => {
    if (!proc || proc.exitCode !== null) return
    proc.kill(hard ? 'SIGKILL' : 'SIGTERM')
    await proc.exited
  }
  await start()
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    stop,
    start,
    pause: () => void proc?.kill('SIGSTOP'),
    resume: () => void proc?.kill('SIGCONT'),
    async cleanup() {
      proc?.kill('SIGCONT')
      await stop(true)
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

// --- internal ---

async function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    let answer = ''
    Bun.connect({
      hostname: '127.0.0.1',
      port,
      socket: {
        open: (socket) => void socket.write('PING\r\n'),
        data: (socket, data) => {
          answer += data.toString()
          socket.end()
          resolve(answer.startsWith('+PONG'))
        },
        error: () => resolve(false),
        connectError: () => resolve(false),
        close: () => resolve(answer.startsWith('+PONG')),
      },
    }).catch(() => resolve(false))
  })
}
