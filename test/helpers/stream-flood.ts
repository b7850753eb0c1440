/**
 * A hostile stream client, run as a process of its own so that reading its answers costs the test
 * process (which measures the server) nothing: one socket sends `count` join frames at once, then
 * waits until every one is answered (a sync or an error) or the server closes the socket, and
 * prints one JSON line: `{ syncs, errors: { code: n }, close: { code, reason } | null }`.
 *
 * bun test/helpers/stream-flood.ts <ws url> <count> [groups|items|leaves]
 *   groups  a join of group g<i> per frame (default)
 *   items   a join of item i of group "hot" per frame
 *   leaves  a join, leave frames without a subscription id (each names an address), a last join:
 *           frames are handled in order, so the last sync means every leave was
 */
const [url, countText, kind = 'groups'] = process.argv.slice(2)
const count = Number(countText)
const ws = new WebSocket(url!)
let syncs = 0
let answered = 0
const errors: Record<string, number> = {}
let close: { code: number; reason: string } | null = null
let finish!: () => void
const finished = new Promise<void>((resolve) => (finish = resolve))
const expected = kind === 'leaves' ? 2 : count

ws.onmessage = (event) => {
  const frame = JSON.parse(String(event.data)) as { event: { type: string; data?: { code?: string } } }
  if (frame.event.type === 'sync') syncs++
  else if (frame.event.type === 'error') errors[frame.event.data?.code ?? '?'] = (errors[frame.event.data?.code ?? '?'] ?? 0) + 1
  else return
  if (++answered >= expected) finish()
}
ws.onclose = (event) => {
  close = { code: event.code, reason: event.reason }
  finish()
}
await new Promise<void>((resolve, reject) => {
  ws.onopen = () => resolve()
  ws.onerror = () => reject(new Error(`stream-flood: cannot connect to ${url}`))
})
const frame = (type: string, data: Record<string, unknown>) => JSON.stringify({ type, data: { streamName: 'todo', ...data } })
if (kind === 'leaves') {
  ws.send(frame('join', { groupId: 'hot', subscriptionId: 'one' }))
  for (let i = 0; i < count; i++) ws.send(frame('leave', { groupId: `g${i}` }))
  ws.send(frame('join', { groupId: 'end', subscriptionId: 'end' }))
} else {
  for (let i = 0; i < count; i++) ws.send(kind === 'items' ? frame('join', { groupId: 'hot', id: `i${i}`, subscriptionId: `s${i}` }) : frame('join', { groupId: `g${i}`, subscriptionId: `s${i}` }))
}
await finished
console.log(JSON.stringify({ syncs, errors, close }))
ws.close()
export {}
