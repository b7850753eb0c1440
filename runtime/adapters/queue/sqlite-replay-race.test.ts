/**
 * Replay across processes on one database file, as `motia dlq replay`, a second command and the
 * server's console do it: four processes hold the file open, wait at a barrier, and replay every
 * dead letter at the same moment. Each letter must be requeued once in total.
 */
import { expect, test } from 'bun:test'
import { tempDatabases } from '../../../test/helpers/temp-db.ts'
import { waitFor } from '../../testing/wait.ts'
import { consumeOptions } from './contract-helpers.ts'
import { createSqliteQueue } from './sqlite.ts'

const tempDb = tempDatabases('motia-replay-race-')
const replayers = 4
const letters = 150

// Each child opens the file, says "ready", waits for "go" on stdin, replays everything and prints its count.
const child = (path: string) => `
  import { createSqliteQueue } from ${JSON.stringify(`${import.meta.dir}/sqlite.ts`)}
  const queue = createSqliteQueue({ path: ${JSON.stringify(path)} })
  await queue.depth('warm', 'up')
  process.stdout.write('ready\\n')
  for await (const _ of console) break
  const replayed = await queue.replay('all')
  process.stdout.write(JSON.stringify({ replayed }) + '\\n')
  await queue.close()
`

async function deadLettered(path: string, round: number): Promise<void> {
  const queue = createSqliteQueue({ path })
  await queue.consume(consumeOptions('jobs', 'work', { maxRetries: 0, concurrency: 50 }), async () => {
    throw new Error('broken')
  })
  // Large payloads make each replay transaction long enough for the processes to overlap.
  const payload = 'x'.repeat(20_000)
  await Promise.all(Array.from({ length: letters }, (_, n) => queue.publish('jobs', ['work'], { round, n, payload }, { traceId: 't' })))
  await waitFor(async () => (await queue.deadLetters()).length === letters, 30_000)
  await queue.close()
}

test('four processes replaying the same dead letters at once requeue each exactly once', async () => {
  for (let round = 0; round < 3; round++) {
    const path = tempDb()
    await deadLettered(path, round)
    const procs = Array.from({ length: replayers }, () => Bun.spawn([process.execPath, '-e', child(path)], { stdin: 'pipe', stdout: 'pipe', stderr: 'inherit' }))
    const outputs = procs.map((proc) => lines(proc.stdout))
    await Promise.all(outputs.map((output) => output.next()))
    for (const proc of procs) {
      proc.stdin.write('go\n')
      await proc.stdin.flush()
    }
    const counts = await Promise.all(outputs.map(async (output) => JSON.parse((await output.next()).value as string).replayed as number))
    expect(await Promise.all(procs.map((proc) => proc.exited))).toEqual(procs.map(() => 0))
    expect(counts.reduce((sum, n) => sum + n, 0)).toBe(letters)
    const queue = createSqliteQueue({ path })
    expect(await queue.depth('jobs', 'work')).toBe(letters)
    expect(await queue.deadLetters()).toEqual([])
    await queue.close()
  }
}, 120_000)

async function* lines(stream: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  const decoder = new TextDecoder()
  let buffered = ''
  const reader = stream.getReader()
  for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
    buffered += decoder.decode(chunk.value, { stream: true })
    for (let at = buffered.indexOf('\n'); at >= 0; at = buffered.indexOf('\n')) {
      yield buffered.slice(0, at)
      buffered = buffered.slice(at + 1)
    }
  }
}
