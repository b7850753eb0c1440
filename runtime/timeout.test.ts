import { describe, expect, test } from 'bun:test'
import { TimeoutError } from './errors.ts'
import { runWithTimeout, withTimeout } from './timeout.ts'

describe('runWithTimeout', () => {
  test('reports success, failure and a synchronous throw once each', async () => {
    const outcomes: unknown[] = []
    runWithTimeout(() => Promise.resolve(1), 1000, (error) => outcomes.push(error))
    runWithTimeout(() => Promise.reject(new Error('no')), 1000, (error) => outcomes.push((error as Error).message))
    runWithTimeout(() => {
      throw new Error('sync')
    }, 1000, (error) => outcomes.push((error as Error).message))
    runWithTimeout(() => 'not a promise', 1000, (error) => outcomes.push(error))
    await Bun.sleep(5)
    expect(outcomes.sort()).toEqual(['no', 'sync', undefined, undefined])
  })

  test('reports a TimeoutError after the timeout and ignores what the work does later', async () => {
    const late = Promise.withResolvers<void>()
    const outcomes: unknown[] = []
    runWithTimeout(() => late.promise, 20, (error) => outcomes.push(error))
    await Bun.sleep(60)
    late.resolve()
    await Bun.sleep(5)
    expect(outcomes).toHaveLength(1)
    expect(outcomes[0]).toBeInstanceOf(TimeoutError)
    expect((outcomes[0] as Error).message).toBe('timed out after 20 ms')
  })

  test('turns a rejection with undefined into an error', async () => {
    const outcomes: unknown[] = []
    runWithTimeout(() => Promise.reject(undefined), 1000, (error) => outcomes.push(error))
    await Bun.sleep(5)
    expect((outcomes[0] as Error).message).toBe('handler rejected with undefined')
  })
})

describe('withTimeout', () => {
  test('resolves with the value, or rejects with a TimeoutError', async () => {
    expect(await withTimeout(async () => 7, 1000)).toBe(7)
    await expect(withTimeout(() => new Promise(() => {}), 10)).rejects.toThrow('timed out after 10 ms')
  })
})
