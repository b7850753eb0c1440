/**
 * Python stream definitions under a real server and real WebSocket clients: the schema checks
 * writes, `can_access` and `on_join` decide who subscribes, `send` reaches a group's or one item's
 * subscribers only, and `state.clear` empties one group.
 */
import { afterEach, describe, expect, test } from 'bun:test'
import { openSocket, serveProject, type ServedProject } from '../helpers/streams.ts'

describe('a Python stream definition', () => {
  let served: ServedProject | undefined
  afterEach(async () => {
    await served?.stop()
    served = undefined
  })

  test('its schema checks writes, and its can_access and on_join hooks decide who may subscribe', async () => {
    served = await serveProject({
      'steps/room_stream.py': `
from motia import StreamConfig

def can_access(subscription, auth):
    return subscription.group_id != "vault"

async def on_join(subscription, ctx, auth):
    await ctx.state.set("joins", subscription.group_id, True)
    if subscription.group_id == "closed":
        return {"unauthorized": True, "reason": "room closed"}

config = StreamConfig(name="room", schema={"type": "object", "properties": {"text": {"type": "string"}}, "required": ["text"]}, can_access=can_access, on_join=on_join)
`,
      'steps/say_step.py': `
from motia import http, Stream
room = Stream("room")
config = {"name": "Say", "triggers": [http("POST", "/say/:group")]}
async def handler(req, ctx):
    try:
        written = await room.set(req.path_params["group"], "m1", req.body)
    except Exception as error:
        return {"status": 400, "body": {"error": str(error)}}
    return {"status": 200, "body": written["new_value"]}
`,
    })
    const say = (group: string, body: unknown) => fetch(`${served!.url}/say/${group}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
    const ok = await openSocket(served.wsUrl)
    ok.join('room', 'lobby')
    await ok.next((frame) => frame.event.type === 'sync')
    expect(await (await say('lobby', { text: 'hi' })).json()).toEqual({ text: 'hi', id: 'm1' })
    expect((await ok.next((frame) => frame.event.type === 'create')).event.data).toEqual({ text: 'hi', id: 'm1' })
    const refused = await say('lobby', { text: 3 })
    expect(refused.status).toBe(400)
    expect(((await refused.json()) as { error: string }).error).toContain('does not match the schema')
    ok.join('room', 'vault')
    expect((await ok.next((frame) => frame.event.type === 'error')).event.data).toEqual({ code: 'unauthorized', message: 'canAccess of stream "room" refused this subscription' })
    ok.join('room', 'closed')
    expect((await ok.next((frame) => frame.event.type === 'error', 2)).event.data).toEqual({ code: 'unauthorized', message: 'room closed' })
    expect(await served.runtime.state.get('joins', 'lobby')).toBe(true)
    ok.close()
  })

  test('send reaches the subscribers of a group and of one item only; state.clear empties one group', async () => {
    served = await serveProject({
      'steps/room_stream.py': `config = {"name": "room", "schema": {"type": "object"}}\n`,
      'steps/ping_step.py': `
from motia import http
config = {"name": "Ping", "triggers": [http("POST", "/ping/:group")]}
async def handler(req, ctx):
    channel = {"groupId": req.path_params["group"]}
    if req.body.get("id"):
        channel["id"] = req.body["id"]
    await ctx.streams.room.send(channel, {"type": "typing", "data": {"who": req.body["who"]}})
    return {"status": 202, "body": {}}
`,
      'steps/clear_step.py': `
from motia import http
config = {"name": "Clear", "triggers": [http("POST", "/clear/:group")]}
async def handler(req, ctx):
    await ctx.state.set("keep", "k", 1)
    await ctx.state.set(req.path_params["group"], "a", 1)
    await ctx.state.set(req.path_params["group"], "b", 2)
    before = await ctx.state.get_group(req.path_params["group"])
    await ctx.state.clear(req.path_params["group"])
    return {"status": 200, "body": {"before": len(before), "after": await ctx.state.get_group(req.path_params["group"])}}
`,
    })
    const post = (path: string, body: unknown) => fetch(`${served!.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
    const group = await openSocket(served.wsUrl)
    const item = await openSocket(served.wsUrl)
    const other = await openSocket(served.wsUrl)
    group.join('room', 'lobby')
    item.join('room', 'lobby', 'm1')
    other.join('room', 'hall')
    for (const socket of [group, item, other]) await socket.next((frame) => frame.event.type === 'sync')
    const custom = (frame: { event: { type: string } }) => frame.event.type === 'event'
    expect((await post('/ping/lobby', { who: 'ann' })).status).toBe(202)
    expect((await group.next(custom)).event).toEqual({ type: 'event', event: { type: 'typing', data: { who: 'ann' } } })
    expect((await post('/ping/lobby', { who: 'bob', id: 'm1' })).status).toBe(202)
    expect((await item.next(custom)).event.event).toEqual({ type: 'typing', data: { who: 'bob' } })
    // A send to the hall after both: once it arrives there, anything meant for others has arrived too.
    expect((await post('/ping/hall', { who: 'cat' })).status).toBe(202)
    expect((await other.next(custom)).event.event).toEqual({ type: 'typing', data: { who: 'cat' } })
    expect(other.frames.filter(custom)).toHaveLength(1)
    expect(item.frames.filter(custom).map((frame) => frame.event.event)).toEqual([{ type: 'typing', data: { who: 'bob' } }])

    expect(await (await post('/clear/drafts', {})).json()).toEqual({ before: 2, after: [] })
    expect(await served.runtime.state.get('keep', 'k')).toBe(1)
    for (const socket of [group, item, other]) socket.close()
  })
})
