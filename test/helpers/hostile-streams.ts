/**
 * Shared pieces of the hostile stream suites (test/reliability/hostile-streams*.test.ts): ids that
 * separator-joined keys would merge, a project that writes any address from a JSON body, and a
 * check that a socket got only its own address's frames.
 */
import type { Frame } from './streams.ts'

/**
 * Ids that break naive keys: separators (`:`, `/`, NUL), another key's suffix (`x:order`), JSON's
 * own quotes, line separators, terminal escapes, emoji, combining marks, edges, and a 100k-long id.
 */
export const hostileIds = [
  'a',
  'a:b',
  'a/b',
  'a\u0000b',
  'a\u0000',
  '\u0000',
  'x:order',
  'x:items',
  'x:groups',
  'x:meta',
  '"',
  '\\',
  '","',
  'a\u2028b',
  '\u0007\u001b[31m',
  '😀',
  'e\u0301',
  '\u00e9',
  ' a',
  'a ',
  'x'.repeat(100_000),
]

/** Groups that a separator-joined key would merge with `x` or `a`, and the plain ones. */
export const hostileGroups = ['x', 'a', ...hostileIds.filter((id) => id !== 'a')]

/** The `todo` stream, and POST /w { op?, group, id, text } writing (or deleting) any address; errors as { error, code }. */
export const addressProject: Record<string, string> = {
  'steps/todo.stream.ts': `import { z } from 'zod'
export const config = { name: 'todo', schema: z.object({ text: z.string() }) }
`,
  'steps/write.step.ts': `export const config = { name: 'Write', triggers: [{ type: 'http', method: 'POST', path: '/w' }] }
export const handler = async (req, { streams }) => {
  const { op, group, id, text } = req.body
  try {
    if (op === 'get') return { status: 200, body: { item: await streams.todo.get(group, id) } }
    if (op === 'delete') return { status: 200, body: { item: await streams.todo.delete(group, id) } }
    if (op === 'send') { await streams.todo.send({ groupId: group, id }, { type: 'ping', data: { text } }); return { status: 200, body: {} } }
    return { status: 200, body: await streams.todo.set(group, id, { text }) }
  } catch (error) {
    return { status: error.status ?? 500, body: { error: error.message, code: error.code } }
  }
}
`,
}

/** Frames that are not about `group` (and `id`, for an item subscription): must be none. */
export function strangers(frames: readonly Frame[], group: string, id?: string): Frame[] {
  return frames.filter((frame) => frame.groupId !== group || (id !== undefined && frame.id !== id) || frame.streamName !== 'todo')
}

/** A short, printable name of an id for test titles and messages. */
export function shown(id: string): string {
  return JSON.stringify(id.length > 20 ? `${id.slice(0, 8)}…(${id.length})` : id)
}
