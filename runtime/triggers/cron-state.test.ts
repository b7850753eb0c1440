import { describe, expect, test } from 'bun:test'
import { testRuntimeEachTest } from '../../test/helpers/runtime.ts'

const { start, current } = testRuntimeEachTest()

describe('cron trigger', () => {
  test('a 6-field expression ticks every second; ticks never overlap unless allowed', async () => {
    // Each run records the most runs of its step ever in flight at once, not the count at its start.
    const slow = (name: string, extra: string) => `
      export const config = { triggers: [{ type: 'cron', expression: '* * * * * *'${extra} }] }
      let running = 0
      let most = 0
      export const handler = async (tick, { state }) => {
        most = Math.max(most, ++running)
        await Bun.sleep(1600)
        running--
        await state.update('cron', '${name}', [{ type: 'increment', path: 'runs' }, { type: 'set', path: 'maxParallel', value: most }])
      }
    `
    const { runtime } = await start({
      'steps/cron/exclusive.step.ts': slow('exclusive', ''),
      'steps/cron/overlapping.step.ts': slow('overlapping', ', allowOverlap: true'),
    })
    type Runs = { runs: number; maxParallel: number }
    const runs = async (name: string) => (await runtime.state.get<Runs>('cron', name))?.runs ?? 0
    await current().waitFor(async () => (await runs('overlapping')) >= 4 && (await runs('exclusive')) >= 2, 15_000)
    const exclusive = (await runtime.state.get<Runs>('cron', 'exclusive'))!
    const overlapping = (await runtime.state.get<Runs>('cron', 'overlapping'))!
    expect(exclusive.maxParallel).toBe(1)
    expect(overlapping.maxParallel).toBeGreaterThanOrEqual(2)
    expect(exclusive.runs).toBeLessThan(overlapping.runs)
  }, 60_000)

  test('the handler gets the scheduled time and a cron trace', async () => {
    const { runtime } = await start({
      'steps/cron/tick.step.ts': `
        export const config = { triggers: [{ type: 'cron', expression: '* * * * * *', timezone: 'Europe/Paris' }] }
        export const handler = async (tick, { state, trigger }) => { await state.set('tick', 'last', { at: tick.scheduledAt.toISOString(), type: trigger.type }) }
      `,
    })
    await current().waitFor(async () => (await runtime.state.get('tick', 'last')) !== undefined, 5000)
    const last = (await runtime.state.get<{ at: string; type: string }>('tick', 'last'))!
    expect(last.type).toBe('cron')
    expect(new Date(last.at).getMilliseconds()).toBe(0)
    expect(runtime.traces.list().some((t) => t.name === 'cron Tick')).toBe(true)
  })

  test('without a timezone the scheduled time is still the whole second the tick was due', async () => {
    const { runtime } = await start({
      'steps/cron/plain.step.ts': `
        export const config = { triggers: [{ type: 'cron', expression: '* * * * * *' }] }
        export const handler = async (tick, { state }) => { await state.set('plain', 'last', tick.scheduledAt.toISOString()) }
      `,
    })
    await current().waitFor(async () => (await runtime.state.get('plain', 'last')) !== undefined, 5000)
    expect(new Date((await runtime.state.get<string>('plain', 'last'))!).getMilliseconds()).toBe(0)
  })

  test('a timezone moves the schedule into that zone', async () => {
    // Every second, but only during this hour and the next one in `zone`: the step in `zone`
    // ticks now, the same expression in a zone hours away (or in the machine's zone) does not.
    const hourIn = (timeZone: string | undefined) => Number(new Intl.DateTimeFormat('en-GB', { timeZone, hour: 'numeric', hourCycle: 'h23' }).format(new Date()))
    const near = (a: number, b: number) => [0, 1, 23].includes((a - b + 24) % 24)
    const zone = ['Asia/Tokyo', 'America/New_York', 'Asia/Kolkata', 'Pacific/Auckland'].find(
      (z) => !near(hourIn(z), hourIn(undefined)) && !near(hourIn(z), hourIn('UTC')),
    )!
    const other = ['UTC', 'America/Los_Angeles', 'Asia/Tokyo'].find((z) => !near(hourIn(z), hourIn(zone)))!
    const hours = `${hourIn(zone)},${(hourIn(zone) + 1) % 24}`
    const step = (name: string, timezone: string) => `
      export const config = { triggers: [{ type: 'cron', expression: '* * ${hours} * * *', timezone: '${timezone}' }] }
      export const handler = async (tick, { state }) => { await state.set('zoned', '${name}', tick.scheduledAt.toISOString()) }
    `
    const { runtime } = await start({ 'steps/cron/in-zone.step.ts': step('in-zone', zone), 'steps/cron/elsewhere.step.ts': step('elsewhere', other) })
    await current().waitFor(async () => (await runtime.state.get('zoned', 'in-zone')) !== undefined, 5000)
    await Bun.sleep(1200)
    expect(await runtime.state.get('zoned', 'elsewhere')).toBeUndefined()
    const at = new Date((await runtime.state.get<string>('zoned', 'in-zone'))!)
    expect(Math.abs(at.getTime() - Date.now())).toBeLessThan(5000)
  })

  test('5- and 7-field expressions load', async () => {
    const ok = `export const handler = async () => {}`
    const { runtime } = await start({
      'steps/cron/five.step.ts': `export const config = { triggers: [{ type: 'cron', expression: '0 3 * * 1-5' }] }\n${ok}`,
      'steps/cron/seven.step.ts': `export const config = { triggers: [{ type: 'cron', expression: '0 0 12 1 1 * 2099' }] }\n${ok}`,
    })
    expect(runtime.steps().map((s) => s.name).sort()).toEqual(['Five', 'Seven'])
  })
})

describe('state trigger', () => {
  const files = {
    'steps/http/orders/[id].put.step.ts': `
      export const handler = async (req, { state }) => {
        if (req.body === null) await state.delete('orders', req.params.id)
        else await state.set('orders', req.params.id, req.body)
        return { status: 204 }
      }
    `,
    'steps/state/log-changes.step.ts': `
      export const config = { triggers: [{ type: 'state', group: 'orders' }] }
      export const handler = async (change, { state, traceId }) => {
        await state.update('changes', 'all', [{ type: 'merge', value: { [change.event + ':' + change.key]: { old: change.oldValue ?? null, new: change.newValue ?? null, traceId } } }])
      }
    `,
    'steps/state/big-orders.step.ts': `
      export const config = { triggers: [{ type: 'state', group: 'orders', condition: (change) => (change.newValue?.total ?? 0) > 100 }] }
      export const handler = async (change, { state }) => { await state.set('big', change.key, true) }
    `,
  }

  test("fires after set and delete with old and new values, in the writer's trace", async () => {
    const { runtime } = await start(files)
    const res = await current().request('PUT', '/orders/o1', { total: 5 })
    await current().request('PUT', '/orders/o1', { total: 7 })
    await current().request('PUT', '/orders/o1', 'null', { 'content-type': 'application/json' })
    await current().waitFor(async () => Object.keys((await runtime.state.get<object>('changes', 'all')) ?? {}).length === 3)
    const changes = (await runtime.state.get<Record<string, { old: unknown; new: unknown; traceId: string }>>('changes', 'all'))!
    expect(changes['created:o1']).toMatchObject({ old: null, new: { total: 5 }, traceId: res.headers.get('x-trace-id')! })
    expect(changes['updated:o1']).toMatchObject({ old: { total: 5 }, new: { total: 7 } })
    expect(changes['deleted:o1']).toMatchObject({ old: { total: 7 }, new: null })
  })

  test('condition decides which changes run the step; a change that fails it records no span', async () => {
    const { runtime } = await start(files)
    const small = await current().request('PUT', '/orders/small', { total: 5 })
    const large = await current().request('PUT', '/orders/large', { total: 500 })
    await current().waitFor(async () => (await runtime.state.get('big', 'large')) === true)
    await Bun.sleep(20)
    expect(await runtime.state.get('big', 'small')).toBeUndefined()
    const stepsOf = (res: Response) => runtime.traces.get(res.headers.get('x-trace-id')!)!.spans.map((s) => s.step).sort()
    expect(stepsOf(small)).toEqual(['LogChanges', 'PutOrdersById'])
    expect(stepsOf(large)).toEqual(['BigOrders', 'LogChanges', 'PutOrdersById'])
  })
})
