/**
 * `/__motia/api/streams`: the project's streams with their groups, and a group's items. Reads go
 * to the stream store, as `ctx.streams.<name>.getGroup` does; changes reach the page through the
 * live feed (`events=stream`), so the console needs no WebSocket and no `authenticateStream`.
 */
import type { MotiaRuntime } from 'motia'
import { json } from './respond.ts'

type StreamHub = NonNullable<MotiaRuntime['streams']>

export async function listStreams(hub: StreamHub | undefined): Promise<Response> {
  const names = (hub?.names() ?? []).sort()
  const streams = await Promise.all(
    names.map(async (name) => {
      const ids = (await hub!.store.listGroups(name)).sort()
      const groups = await Promise.all(ids.map(async (id) => ({ id, count: (await hub!.store.list(name, id)).length })))
      return { name, groups }
    }),
  )
  return json({ streams })
}

/** The items of a group in the order they were first written, as clients see them (with `id`). */
export async function listItems(hub: StreamHub | undefined, stream: string, group: string): Promise<Response> {
  if (!hub?.has(stream)) return json({ error: unknown(hub, stream) }, 404)
  const items = (await hub.store.list(stream, group)).map((item) => withId(item.data, item.id))
  return json({ stream, group, items })
}

// --- internal ---

/** Motia's item shape: an object with its `id`, any other value as `{ id, value }`. */
function withId(data: unknown, id: string): unknown {
  return typeof data === 'object' && data !== null && !Array.isArray(data) ? { ...data, id } : { id, value: data }
}

function unknown(hub: StreamHub | undefined, stream: string): string {
  const known = hub?.names().sort().join(', ') || 'none'
  return `no stream named "${stream}"; known streams: ${known} (a stream is a *.stream.ts file under steps/)`
}
