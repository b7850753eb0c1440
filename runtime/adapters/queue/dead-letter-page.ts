/**
 * Reading dead letters a page at a time, for the console: newest first, from an index (a SQLite
 * index, Redis sorted sets, a sort of the in-memory map), each letter with its data clipped. A
 * page costs what its letters cost, not what the whole dead-letter queue holds, so thousands of
 * letters of hundreds of KB each can be browsed, counted, replayed and purged in steps without
 * stalling the server. `deadLetters()` still reads them all, for the CLI.
 *
 * Pages are cut by a cursor (the `failedAt` and id of the last letter given), not an offset: a
 * letter that fails while someone pages through is newer than every cursor, so it never shifts a
 * later page, and a loop that replays page after page never meets the letters it put back.
 */
import { MotiaError } from '../../errors.ts'
import type { DeadLetter, DeadLetterCount, DeadLetterPage, DeadLetterPageOptions, DeadLetterSummary, QueueAdapter } from './types.ts'

/** Characters of a letter's data (and error) an index keeps for pages: the longest preview a page shows without reading the letter. */
export const DEAD_LETTER_HEAD_CHARS = 4096

/** The cursor after `letter`. */
export function cursorAfter(letter: { failedAt: number; id: string }): string {
  return `${letter.failedAt}.${letter.id}`
}

/** The position a cursor names; a 400 for one this API did not give. */
export function readCursor(cursor: string | undefined): { failedAt: number; id: string } | undefined {
  if (cursor === undefined) return undefined
  const dot = cursor.indexOf('.')
  const failedAt = Number(cursor.slice(0, dot))
  if (dot <= 0 || !Number.isSafeInteger(failedAt)) {
    throw new MotiaError(`[motia] dead letters: cursor ${JSON.stringify(cursor.slice(0, 60))} is not one a page gave: pass the "next" of the previous page, or none for the first`, { code: 'INVALID_CURSOR', status: 400 })
  }
  return { failedAt, id: cursor.slice(dot + 1) }
}

/** True when `letter` comes after `position` in newest-first order. */
export function isAfter(letter: { failedAt: number; id: string }, position: { failedAt: number; id: string } | undefined): boolean {
  return !position || letter.failedAt < position.failedAt || (letter.failedAt === position.failedAt && letter.id < position.id)
}

/** Newest first: later `failedAt`, then the greater id. */
export function newestFirst(a: { failedAt: number; id: string }, b: { failedAt: number; id: string }): number {
  return b.failedAt - a.failedAt || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0)
}

/**
 * A letter's summary from its data's JSON text (as stored by SQLite and Redis, or made once per
 * letter in memory): the data itself when short, else a preview.
 */
export function summarize(letter: Omit<DeadLetter, 'data'>, dataJson: string | null, maxChars: number): DeadLetterSummary {
  const { id, topic, step, traceId, messageGroupId, attempts, error, failedAt } = letter
  const summary: DeadLetterSummary = { id, topic, step, traceId, attempts, error: clip(error, maxChars), failedAt, size: dataJson === null ? 0 : Buffer.byteLength(dataJson) }
  if (messageGroupId !== undefined) summary.messageGroupId = messageGroupId
  if (dataJson === null) return summary
  if (dataJson.length > maxChars) summary.preview = clip(dataJson, maxChars, '')
  else {
    try {
      summary.data = JSON.parse(dataJson)
    } catch {
      // Stored by something other than motia: shown as the text it is.
      summary.data = dataJson
    }
  }
  return summary
}

/** Checks page options from a caller; a 400 naming the fix. */
export function checkPageOptions(options: DeadLetterPageOptions): void {
  if (!Number.isInteger(options.limit) || options.limit < 1 || options.limit > 500) {
    throw new MotiaError(`[motia] dead letters: limit must be a whole number from 1 to 500, got ${options.limit}`, { code: 'INVALID_LIMIT', status: 400 })
  }
  if (!Number.isInteger(options.maxDataChars) || options.maxDataChars < 16) {
    throw new MotiaError(`[motia] dead letters: maxDataChars must be a whole number of at least 16, got ${options.maxDataChars}`, { code: 'INVALID_LIMIT', status: 400 })
  }
}

/** A page out of letters the adapter holds in memory: sorted, cut at the cursor, clipped. */
export function pageOfLetters(letters: Iterable<DeadLetter>, options: DeadLetterPageOptions, summaryOf: (letter: DeadLetter, maxChars: number) => DeadLetterSummary): DeadLetterPage {
  checkPageOptions(options)
  const after = readCursor(options.cursor)
  const matching: DeadLetter[] = []
  for (const letter of letters) {
    if ((options.step === undefined || letter.step === options.step) && (options.topic === undefined || letter.topic === options.topic)) matching.push(letter)
  }
  matching.sort(newestFirst)
  const start = after ? matching.findIndex((letter) => isAfter(letter, after)) : 0
  const chosen = start < 0 ? [] : matching.slice(start, start + options.limit)
  const page: DeadLetterPage = { letters: chosen.map((letter) => summaryOf(letter, options.maxDataChars)), total: matching.length }
  if (start >= 0 && start + options.limit < matching.length) page.next = cursorAfter(chosen.at(-1)!)
  return page
}

/** A page from any adapter: its `deadLetterPage`, or (an adapter without one) a page cut from all its letters. */
export function readDeadLetterPage(queue: QueueAdapter, options: DeadLetterPageOptions): Promise<DeadLetterPage> {
  if (queue.deadLetterPage) return queue.deadLetterPage(options)
  return queue.deadLetters({ step: options.step, topic: options.topic }).then((letters) => pageOfLetters(letters, options, (letter, max) => summarize(letter, JSON.stringify(letter.data) ?? 'null', max)))
}

/** Counts from any adapter: its `deadLetterCounts`, or a count of all its letters. */
export function countDeadLetters(queue: QueueAdapter): Promise<DeadLetterCount[]> {
  return queue.deadLetterCounts ? queue.deadLetterCounts() : queue.deadLetters().then(countLetters)
}

/** Counts per (topic, step), sorted. */
export function countLetters(letters: Iterable<{ topic: string; step: string }>): DeadLetterCount[] {
  const counts = new Map<string, DeadLetterCount>()
  for (const { topic, step } of letters) {
    const key = `${topic}\u0000${step}`
    const count = counts.get(key)
    if (count) count.count++
    else counts.set(key, { topic, step, count: 1 })
  }
  return [...counts.values()].sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.step < b.step ? -1 : a.step > b.step ? 1 : 0))
}

// --- internal ---

function clip(text: string, max: number, note = `… [truncated]`): string {
  return text.length <= max ? text : text.slice(0, max) + note
}
