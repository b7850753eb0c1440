/**
 * One server per project directory. The embedded store under `.motia/` is safe to open from many
 * processes (the CLI's `dlq` and `state` commands do), but two servers would both run every cron
 * job and reclaim each other's leases, so a second `motia dev`/`motia start` refuses to start.
 * A lock left by a process that died (kill -9) is taken over, and so is one whose pid now belongs
 * to another process (pids are reused): the lock records the process's start time, read from
 * /proc where there is one, and a live pid that started at another time is not the holder.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { ConfigError } from './errors.ts'

export interface ProjectLockInfo {
  pid: number
  mode: string
  startedAt: number
  /** Proves to the server's control endpoints (`POST /__motia/enqueue`) that the caller can read this file. */
  token: string
  /** Where the server listens, once it does. */
  url?: string
  /** The holder's start time in clock ticks since boot (Linux /proc), to tell a reused pid apart. */
  processStart?: string
  /** The holder's command line, for the message that names it. */
  command?: string
}

export interface ProjectLock {
  token: string
  /** Records where the server listens, for `motia enqueue`. */
  update(info: Partial<ProjectLockInfo>): void
  release(): void
}

export function lockFile(root: string): string {
  return join(root, '.motia', 'server.lock')
}

/** The running server of the project at `root`, if there is one. */
export function readProjectLock(root: string): ProjectLockInfo | undefined {
  const file = lockFile(root)
  if (!existsSync(file)) return undefined
  try {
    const info = JSON.parse(readFileSync(file, 'utf8')) as ProjectLockInfo
    return holds(info) ? info : undefined
  } catch {
    return undefined
  }
}

/** Takes the project's server lock or throws a `ConfigError` naming the process that holds it. */
export function acquireProjectLock(root: string, mode: string): ProjectLock {
  const file = lockFile(root)
  mkdirSync(join(root, '.motia'), { recursive: true })
  let info: ProjectLockInfo = {
    pid: process.pid,
    mode,
    startedAt: Date.now(),
    token: crypto.randomUUID(),
    processStart: processStart(process.pid),
    command: process.argv.join(' '),
  }
  // Exclusive create, so two servers starting at the same moment cannot both win.
  for (let tries = 0; ; tries++) {
    try {
      writeFileSync(file, JSON.stringify(info), { flag: 'wx', mode: 0o600 })
      break
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || tries > 0) throw error
      const holder = readProjectLock(root)
      if (holder && holder.pid !== process.pid) {
        const running = commandLine(holder.pid)
        throw new ConfigError(
          `[motia] another motia server (pid ${holder.pid}, motia ${holder.mode}${holder.url ? ` at ${holder.url}` : ''}${running ? `, running "${running}"` : ''}) is using ${join(root, '.motia')}: ` +
            `stop it first (kill ${holder.pid}), or give this one other adapters in motia.config.ts. If pid ${holder.pid} is not a motia server, delete ${file} and start again.`,
        )
      }
      rmSync(file, { force: true })
    }
  }
  return {
    token: info.token,
    update(next) {
      info = { ...info, ...next }
      writeFileSync(file, JSON.stringify(info))
    },
    release() {
      if (readProjectLock(root)?.pid === process.pid) rmSync(file, { force: true })
    },
  }
}

// --- internal ---

/** Whether the process named by a lock is alive and is the one that wrote it. */
function holds(info: ProjectLockInfo): boolean {
  if (!Number.isInteger(info.pid) || info.pid <= 0 || !isAlive(info.pid)) return false
  const started = processStart(info.pid)
  if (started !== undefined && info.processStart !== undefined) return started === info.processStart
  // A lock written where /proc was not readable, or by an older version: judge by the command.
  const command = commandLine(info.pid)
  return command === undefined || /motia|bun/i.test(command)
}

/** Field 22 of /proc/<pid>/stat (start time); undefined where there is no /proc. */
function processStart(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // The command name (field 2) may hold spaces and parentheses: count from the last ')'.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]
  } catch {
    return undefined
  }
}

function commandLine(pid: number): string | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ')
    return text || undefined
  } catch {
    return undefined
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}
