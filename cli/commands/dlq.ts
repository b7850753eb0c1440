/** `motia dlq list | replay | purge`: the dead letters of the project's store. */
import { resolve } from 'node:path'
import type { DeadLetter } from '../../runtime/adapters/queue/types.ts'
import { defineCommand, jsonOption } from '../command.ts'
import { UsageError } from '../errors.ts'
import { printJson, printTable } from '../output.ts'

interface Common {
  dir: string
  json?: boolean
}

export default defineCommand({
  name: 'dlq',
  description: 'inspect and replay dead-lettered messages',
  examples: ['motia dlq list', 'motia dlq replay --all', 'motia dlq purge --step SendEmail'],
  commands: [
    {
      name: 'list',
      description: 'list dead letters with their error, attempts and trace id',
      options: [{ flags: '-s, --step <step>', description: 'only this step' }, { flags: '-t, --topic <topic>', description: 'only this topic' }, jsonOption],
      dir: true,
      examples: ['motia dlq list', 'motia dlq list --step SendEmail --json'],
      run: list,
    },
    {
      name: 'replay',
      description: 'put dead letters back in their queue with a fresh attempt count',
      arguments: [{ name: '[ids...]', description: 'dead letter ids (see motia dlq list)' }],
      options: [{ flags: '-a, --all', description: 'replay every dead letter' }, jsonOption],
      dir: true,
      examples: ['motia dlq replay m42 m43', 'motia dlq replay --all'],
      run: replay,
    },
    {
      name: 'purge',
      description: 'delete dead letters for good',
      options: [{ flags: '-s, --step <step>', description: 'only this step' }, jsonOption],
      dir: true,
      examples: ['motia dlq purge', 'motia dlq purge --step SendEmail'],
      run: purge,
    },
  ],
})

/** `motia dlq list`: the dead letters, oldest first. */
async function list(opts: Common & { step?: string; topic?: string }): Promise<void> {
  const { withProjectAdapters } = await import('../../runtime/project.ts')
  const letters = await withProjectAdapters(resolve(opts.dir), ({ queue }) => queue.deadLetters({ step: opts.step, topic: opts.topic }))
  if (opts.json) return printJson(letters)
  if (letters.length === 0) return void process.stdout.write('no dead letters\n')
  printTable(['ID', 'STEP', 'TOPIC', 'ATTEMPTS', 'FAILED AT', 'ERROR'], letters.map(row))
  process.stdout.write(`\n${letters.length} dead letter(s). Replay: motia dlq replay <id> | --all\n`)
}

/** `motia dlq replay <id...> | --all`: back into their queues with a fresh attempt count. */
async function replay(ids: string[], opts: Common & { all?: boolean }): Promise<void> {
  if (!opts.all && ids.length === 0) throw new UsageError('name the dead letters to replay (motia dlq replay <id...>) or pass --all')
  if (opts.all && ids.length > 0) throw new UsageError('pass either ids or --all, not both')
  const { withProjectAdapters } = await import('../../runtime/project.ts')
  const count = await withProjectAdapters(resolve(opts.dir), async ({ queue }) => {
    if (!opts.all) {
      const known = new Set((await queue.deadLetters()).map((letter) => letter.id))
      const missing = ids.filter((id) => !known.has(id))
      if (missing.length > 0) throw new UsageError(`no dead letter with id ${missing.join(', ')}: see motia dlq list`)
    }
    return queue.replay(opts.all ? 'all' : ids)
  })
  if (opts.json) return printJson({ replayed: count })
  // Replays are exactly once: another replayer (the console, a second command) may have taken some.
  const missed = opts.all ? 0 : new Set(ids).size - count
  process.stdout.write(`replayed ${count} message(s)${missed > 0 ? `; ${missed} were replayed or purged by someone else meanwhile` : ''}\n`)
}

/** `motia dlq purge [--step S]`: deletes dead letters for good. */
async function purge(opts: Common & { step?: string }): Promise<void> {
  const { withProjectAdapters } = await import('../../runtime/project.ts')
  const count = await withProjectAdapters(resolve(opts.dir), ({ queue }) => queue.purge({ step: opts.step }))
  if (opts.json) return printJson({ purged: count })
  process.stdout.write(`purged ${count} dead letter(s)${opts.step ? ` of step ${opts.step}` : ''}\n`)
}

// --- internal ---

function row(letter: DeadLetter): string[] {
  return [letter.id, letter.step, letter.topic, String(letter.attempts), new Date(letter.failedAt).toISOString(), letter.error]
}
