import { afterEach, describe, expect, test } from 'bun:test'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { makeProject, type TempProject } from '../test/helpers/project.ts'
import { ConfigError } from './errors.ts'
import { waitFor } from './testing/wait.ts'
import { acquireProjectLock, lockFile, readProjectLock, type ProjectLockInfo } from './project-lock.ts'

let project: TempProject | undefined
let other: ReturnType<typeof Bun.spawn> | undefined

afterEach(async () => {
  other?.kill()
  await other?.exited
  project?.cleanup()
  project = other = undefined
})

/** A live process that is not a motia server (once it has exec'd: before, it shows our command line). */
async function startSleeper(): Promise<number> {
  other = Bun.spawn(['sleep', '60'], { stdout: 'ignore', stderr: 'ignore' })
  const pid = other.pid
  await waitFor(() => readFileSync(`/proc/${pid}/cmdline`, 'utf8').startsWith('sleep'))
  return pid
}

function writeLock(root: string, info: Partial<ProjectLockInfo> & { pid: number }): void {
  mkdirSync(join(root, '.motia'), { recursive: true })
  writeFileSync(lockFile(root), JSON.stringify({ mode: 'dev', startedAt: Date.now(), token: 't', ...info }))
}

const startOf = (pid: number) => {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]
}

describe('project lock', () => {
  test('a lock whose pid now belongs to a process that is not a motia server is taken over', async () => {
    project = makeProject()
    writeLock(project.root, { pid: await startSleeper() })
    const lock = acquireProjectLock(project.root, 'start')
    expect(readProjectLock(project.root)!.pid).toBe(process.pid)
    lock.release()
  })

  test('a lock whose pid was reused (another start time) is taken over', async () => {
    project = makeProject()
    const pid = await startSleeper()
    writeLock(project.root, { pid, processStart: String(Number(startOf(pid)) - 1), command: 'bun motia dev' })
    const lock = acquireProjectLock(project.root, 'start')
    expect(readProjectLock(project.root)!.pid).toBe(process.pid)
    lock.release()
  })

  test('a lock held by its live writer is refused with the pid, its command and both ways out', async () => {
    project = makeProject()
    const pid = await startSleeper()
    writeLock(project.root, { pid, processStart: startOf(pid), url: 'http://127.0.0.1:3111/' })
    let error: unknown
    try {
      acquireProjectLock(project.root, 'start')
    } catch (caught) {
      error = caught
    }
    expect(error).toBeInstanceOf(ConfigError)
    expect((error as Error).message).toBe(
      `[motia] another motia server (pid ${pid}, motia dev at http://127.0.0.1:3111/, running "sleep 60") is using ${join(project.root, '.motia')}: ` +
        `stop it first (kill ${pid}), or give this one other adapters in motia.config.ts. If pid ${pid} is not a motia server, delete ${lockFile(project.root)} and start again.`,
    )
  })

  test('the lock records what tells this process apart from a later one with the same pid', () => {
    project = makeProject()
    const lock = acquireProjectLock(project.root, 'dev')
    const info = JSON.parse(readFileSync(lockFile(project.root), 'utf8')) as ProjectLockInfo
    expect(info.processStart).toBe(startOf(process.pid))
    expect(info.command).toContain(process.argv[0]!)
    lock.release()
  })
})
