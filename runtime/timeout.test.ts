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

describe('runs sharing one timeout length (one timer for all of them)', () => {
  test('only the runs still going at their deadline time out, each once, oldest first', async () => {
    const outcomes: Array<{ name: string; error: unknown }> = []
    const hung = ['a', 'b', 'c']
    const all = Promise.withResolvers<void>()
    const record = (name: string) => (error: unknown) => {
      outcomes.push({ name, error })
      if (outcomes.length === 3 + 200) all.resolve()
    }
    // Generous: the quick runs must end before the deadline even on a loaded machine.
    runWithTimeout(() => new Promise(() => {}), 2000, record('a'))
    for (let i = 0; i < 200; i++) runWithTimeout(() => Bun.sleep(1), 2000, record(`quick-${i}`))
    runWithTimeout(() => new Promise(() => {}), 2000, record('b'))
    runWithTimeout(() => new Promise(() => {}), 2000, record('c'))
    await all.promise
    expect(outcomes.filter((o) => o.error instanceof TimeoutError).map((o) => o.name)).toEqual(hung)
    expect(outcomes.filter((o) => o.error === undefined)).toHaveLength(200)
  })

  test('a run started while an expiry is reported still times out at its own deadline', async () => {
    const order: string[] = []
    const done = Promise.withResolvers<void>()
    const hang = () => new Promise(() => {})
    // The second starts well after the first and well before the first expires, so its deadline
    // falls between the first's and the third's, and is still ahead when the first expires.
    runWithTimeout(hang, 400, () => {
      order.push('first')
      // Started from inside the first one's expiry, as a queue starts its next message.
      runWithTimeout(hang, 400, () => {
        order.push('third')
        done.resolve()
      })
    })
    await Bun.sleep(100)
    runWithTimeout(hang, 400, () => order.push('second'))
    await done.promise
    expect(order).toEqual(['first', 'second', 'third'])
  })

  test('finished runs leave no timer behind: a process whose runs ended exits by itself', async () => {
    const script = `
      const { runWithTimeout } = await import(${JSON.stringify(`${import.meta.dir}/timeout.ts`)})
      let finished = 0
      for (let i = 0; i < 100; i++) runWithTimeout(() => Bun.sleep(1), 3_600_000, () => finished++)
      runWithTimeout(() => 'sync', 3_600_000, () => finished++)
      process.on('beforeExit', () => console.log('exiting after', finished))
    `
    const child = Bun.spawn([process.execPath, '-e', script], { stdout: 'pipe', stderr: 'inherit' })
    const [out, code] = await Promise.all([new Response(child.stdout).text(), child.exited])
    expect(code).toBe(0)
    expect(out.trim()).toBe('exiting after 101')
  }, 60_000)
})

describe('withTimeout', () => {
  test('resolves with the value, or rejects with a TimeoutError', async () => {
    expect(await withTimeout(async () => 7, 1000)).toBe(7)
    await expect(withTimeout(() => new Promise(() => {}), 10)).rejects.toThrow('timed out after 10 ms')
  })
})
