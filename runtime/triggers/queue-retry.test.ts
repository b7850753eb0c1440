import { expect, test } from 'bun:test'
import { NonRetriableError } from '../errors.ts'
import { nextAttempt } from './queue-retry.ts'

const now = Date.parse('2026-01-01T10:00:00.000Z')
const exponential = { maxRetries: 3, backoff: { type: 'exponential', delayMs: 1000 } } as const

test('a retried attempt names the delay, the time of the next attempt and the attempts left', () => {
  expect(nextAttempt(new Error('x'), 1, exponential, now)).toEqual({
    text: 'next attempt in 1 s (at 10:00:01.000 UTC), 3 attempts left',
    fields: { retryInMs: 1000, nextAttemptAt: '2026-01-01T10:00:01.000Z', attemptsLeft: 3 },
  })
  expect(nextAttempt(new Error('x'), 3, exponential, now).text).toBe('next attempt in 4 s (at 10:00:04.000 UTC), 1 attempt left')
  expect(nextAttempt(new Error('x'), 1, { maxRetries: 5, backoff: { type: 'fixed', delayMs: 90_000 } }, now).text).toBe('next attempt in 1.5 min (at 10:01:30.000 UTC), 5 attempts left')
  expect(nextAttempt(new Error('x'), 1, { maxRetries: 1, backoff: { type: 'fixed', delayMs: 250 } }, now).text).toBe('next attempt in 250 ms (at 10:00:00.250 UTC), 1 attempt left')
})

test('the last attempt, and a NonRetriableError, say the message goes to the dead-letter queue', () => {
  expect(nextAttempt(new Error('x'), 4, exponential, now)).toEqual({ text: 'no attempts left (maxRetries 3): the message goes to the dead-letter queue', fields: { attemptsLeft: 0 } })
  expect(nextAttempt(new NonRetriableError('bad'), 1, exponential, now).text).toBe('not retried (NonRetriableError): the message goes to the dead-letter queue')
})
