/**
 * Stream addresses: `(stream, group)` or `(stream, group, item)`. Rooms, subscriptions and the
 * per-item write lock are keyed by `roomOf`, which is built structurally (a JSON array), so no two
 * distinct addresses share a key whatever characters the ids hold — `:`, `/`, NUL and other control
 * characters, separators, emoji. The one thing refused is a string that is not well-formed Unicode
 * (a lone UTF-16 surrogate): no store can keep it (SQLite, Redis and the wire all turn it into
 * U+FFFD, so two such ids would become one), and `addressProblem` refuses it the same way for
 * `ctx.streams`, HTTP steps (which go through `ctx.streams`) and the WebSocket protocol.
 */

/** The key of a group's or an item's room: distinct for every distinct address. */
export function roomOf(streamName: string, groupId: string, id?: string): string {
  // A write asks for the same rooms several times in a row (its lock, then the fan-out's topics):
  // the last group and the last item are remembered, so a repeat builds no array and no string.
  const last = id === undefined ? lastGroup : lastItem
  if (last.room !== '' && last.streamName === streamName && last.groupId === groupId && last.id === id) return last.room
  last.streamName = streamName
  last.groupId = groupId
  last.id = id
  return (last.room = JSON.stringify(id === undefined ? [streamName, groupId] : [streamName, groupId, id]))
}

/** Whether `value` is an address part `addressProblem` accepts: non-empty, well-formed text. */
export function isAddressPart(value: unknown): value is string {
  return typeof value === 'string' && value !== '' && value.isWellFormed()
}

/**
 * What is wrong with an address, in one line, or undefined when it is fine. The fields are named
 * as the caller sees them (`data.groupId` on the wire, `groupId` in `ctx.streams`); those listed
 * in `optional` may be undefined.
 */
export function addressProblem(fields: Record<string, unknown>, optional: readonly string[] = []): string | undefined {
  for (const [field, value] of Object.entries(fields)) {
    if (value === undefined && optional.includes(field)) continue
    if (typeof value !== 'string' || value === '') return `${field} must be a non-empty string (got ${describe(value)})`
    if (!value.isWellFormed()) return `${field} holds a lone UTF-16 surrogate, which no store can keep apart from U+FFFD: use well-formed text (e.g. encode binary ids as hex)`
  }
  return undefined
}

// --- internal ---

const lastGroup: { streamName: string; groupId: string; id?: string; room: string } = { streamName: '', groupId: '', room: '' }
const lastItem: { streamName: string; groupId: string; id?: string; room: string } = { streamName: '', groupId: '', room: '' }

function describe(value: unknown): string {
  if (value === undefined) return 'nothing'
  const json = JSON.stringify(value)
  return json === undefined ? typeof value : json.length > 60 ? `${json.slice(0, 60)}…` : json
}
