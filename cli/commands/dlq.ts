import { resolve } from 'node:path'
import type { DeadLetter } from '../../runtime/adapters/queue/types.ts'
import { withProjectStores } from '../project-store.ts'
import { fail, printJson, printTable } from '../output.ts'

interface Common {
  dir: string
  json?: boolean
}

/** `motia dlq list`: the dead letters, oldest first. */
export async function list(opts: Common & { step?: string; topic?: string }): Promise<void> {
  const letters = await withProjectStores(resolve(opts.dir), ({ queue }) => queue.deadLetters({ step: opts.step, topic: opts.topic }))
  if (opts.json) return printJson(letters)
  if (letters.length === 0) return void process.stdout.write('no dead letters\n')
  printTable(['ID', 'STEP', 'TOPIC', 'ATTEMPTS', 'FAILED AT', 'ERROR'], letters.map(row))
  process.stdout.write(`\n${letters.length} dead letter(s). Replay: motia dlq replay <id> | --all\n`)
}

/** `motia dlq replay <id...> | --all`: back into their queues with a fresh attempt count. */
export async function replay(ids: string[], opts: Common & { all?: boolean }): Promise<void> {
  if (!opts.all && ids.length === 0) fail('name the dead letters to replay (motia dlq replay <id...>) or pass --all')
  if (opts.all && ids.length > 0) fail('pass either ids or --all, not both')
  const count = await withProjectStores(resolve(opts.dir), async ({ queue }) => {
    if (!opts.all) {
      const known = new Set((await queue.deadLetters()).map((letter) => letter.id))
      const missing = ids.filter((id) => !known.has(id))
      if (missing.length > 0) fail(`no dead letter with id ${missing.join(', ')}: see motia dlq list`)
    }
    return queue.replay(opts.all ? 'all' : ids)
  })
  if (opts.json) return printJson({ replayed: count })
  // Replays are exactly once: another replayer (the console, a second command) may have taken some.
  const missed = opts.all ? 0 : new Set(ids).size - count
  process.stdout.write(`replayed ${count} message(s)${missed > 0 ? `; ${missed} were replayed or purged by someone else meanwhile` : ''}\n`)
}

/** `motia dlq purge [--step S]`: deletes dead letters for good. */
export async function purge(opts: Common & { step?: string }): Promise<void> {
  const count = await withProjectStores(resolve(opts.dir), ({ queue }) => queue.purge({ step: opts.step }))
  if (opts.json) return printJson({ purged: count })
  process.stdout.write(`purged ${count} dead letter(s)${opts.step ? ` of step ${opts.step}` : ''}\n`)
}

// --- internal ---

function row(letter: DeadLetter): string[] {
  return [letter.id, letter.step, letter.topic, String(letter.attempts), new Date(letter.failedAt).toISOString(), letter.error]
}
