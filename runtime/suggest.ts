/**
 * "Did you mean": the known name nearest to a mistyped one, for error messages and warnings.
 * Near means few edits (insert, delete, replace, swap two neighbours), case ignored, or one name
 * containing the other with its separators taken out (`userCreated` for `user-created`).
 */

/**
 * The candidate nearest to `word`, or undefined when none is near enough to be a likely typo
 * (at most a third of the longer name's characters differ). `word` itself is never suggested.
 *
 * @example
 * closest('order-creatd', ['order-created', 'order-paid']) // 'order-created'
 */
export function closest(word: string, candidates: Iterable<string>): string | undefined {
  // Nobody types a name this long by hand: no suggestion, and no work that grows with its square.
  if (word.length > maxLength) return undefined
  let best: string | undefined
  let bestScore = Infinity
  const bare = squash(word)
  for (const candidate of candidates) {
    if (candidate === word || candidate.length > maxLength) continue
    const score = squash(candidate) === bare ? 0.5 : distance(word.toLowerCase(), candidate.toLowerCase())
    const limit = Math.floor(Math.max(word.length, candidate.length) / 3)
    if (score <= limit && score < bestScore) {
      best = candidate
      bestScore = score
    }
  }
  return best
}

// --- internal ---

const maxLength = 200

/** Lower case without separators: `user.created`, `user_created` and `userCreated` meet. */
function squash(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, '')
}

/** Edit distance with adjacent swaps (optimal string alignment); names are at most `maxLength` long. */
function distance(a: string, b: string): number {
  const rows: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)])
  for (let j = 1; j <= b.length; j++) rows[0]![j] = j
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      let d = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, rows[i - 2]![j - 2]! + 1)
      rows[i]![j] = d
    }
  }
  return rows[a.length]![b.length]!
}
