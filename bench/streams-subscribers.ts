/**
 * The subscribers of bench/streams.ts, in a process of their own (pinned to the core the server
 * is not on): `SUBSCRIBERS` WebSocket connections over plain TCP (`Bun.connect`) with a fixed, cheap
 * receive loop. A frame is counted from its header; only in the steady phase, and only for one
 * subscriber in `LATENCY_EVERY` (default 10), is its payload read (for `sentAt`, the latency). Bun's `WebSocket` client made a string and an event per message, so
 * the subscribers, sharing the two cores with the server, were what the burst measured.
 *
 *   bun bench/streams-subscribers.ts <port> <raw|motia>
 *
 * It drives one measurement of one server (join, wait for the snapshots, steady phase, burst),
 * reading the server's CPU time between phases (`POST /cpu`), and prints one JSON line: `Measured`.
 */
import type { Socket } from 'bun'

const port = Number(process.argv[2])
/** Motia answers a join with a snapshot (a `sync` frame); the raw server sends none. */
const syncs = process.argv[3] === 'motia'
const subscribers = Number(process.env.SUBSCRIBERS ?? 1000)
const rate = Number(process.env.RATE ?? 100)
const seconds = Number(process.env.SECONDS ?? 5)
const burst = Number(process.env.BURST ?? 1000)
const latencyEvery = Number(process.env.LATENCY_EVERY ?? 10)
const now = () => performance.timeOrigin + performance.now()

export interface Measured {
  /** Subscribers whose join snapshot arrived (Motia), and how long after the last join was sent. */
  synced: number
  syncMs: number
  /** The server's CPU time in each phase, µs: user (its JavaScript and Bun's own code) and system (the kernel's, mostly the sends). */
  steadyUserUs: number
  steadySystemUs: number
  burstUserUs: number
  burstSystemUs: number
  /** The part of the burst's CPU spent in the server's loop of writes (and their `publish` calls). */
  burstLoopUs: number
  /** Of `burstUserUs + burstSystemUs`, the JIT compiler threads' part (Linux). */
  burstCompileUs: number
  /** This process's CPU time in each phase, µs. */
  clientSteadyCpuUs: number
  clientBurstCpuUs: number
  delivered: number
  expected: number
  p50: number
  p99: number
  burstMs: number
  burstDelivered: number
  burstExpected: number
}

interface Peer {
  upgraded: boolean
  handshake: string
  /** The frame header read so far (a server's frame header is at most 10 bytes). */
  head: Uint8Array
  headLength: number
  opcode: number
  /** Payload bytes of the current frame still to come, and the pieces kept when it is read. */
  need: number
  keep: boolean
  parts: Uint8Array[]
  first: boolean
  /** Reads the latency of its messages: one subscriber in `LATENCY_EVERY` (spread over the join order). */
  timed: boolean
  joinFrame: Uint8Array
}

let phase: 'joining' | 'steady' | 'burst' = 'joining'
let synced = 0
let received = 0
let burstReceived = 0
const latencies: number[] = []
const latin1 = new TextDecoder('latin1')

/** A client frame (masked, with a zero key: the payload goes as it is). */
const clientFrame = (opcode: number, payload: Uint8Array) => {
  if (payload.length > 125) throw new Error('bench client frames are short')
  const frame = new Uint8Array(6 + payload.length)
  frame[0] = 0x80 | opcode
  frame[1] = 0x80 | payload.length
  frame.set(payload, 6)
  return frame
}

const frameDone = (socket: Socket<Peer>, peer: Peer) => {
  const payload = peer.keep ? (peer.parts.length === 1 ? peer.parts[0]! : Buffer.concat(peer.parts)) : undefined
  peer.parts = []
  if (peer.opcode === 9) return void socket.write(clientFrame(10, payload ?? new Uint8Array()))
  if (peer.opcode !== 1) return
  if (!peer.first) {
    peer.first = true
    if (syncs && payload && latin1.decode(payload).includes('"type":"sync"')) return void synced++
  }
  if (phase === 'burst') return void burstReceived++
  if (phase !== 'steady') return
  received++
  if (!peer.timed) return
  const sentAt = Number(/"sentAt":([\d.]+)/.exec(latin1.decode(payload!))?.[1])
  latencies.push(now() - sentAt)
}

/** The receive loop: frame headers byte by byte, payloads skipped (or kept) a chunk at a time. */
const receive = (socket: Socket<Peer>, chunk: Uint8Array) => {
  const peer = socket.data
  let at = 0
  if (!peer.upgraded) {
    peer.handshake += latin1.decode(chunk)
    const end = peer.handshake.indexOf('\r\n\r\n')
    if (end < 0) return
    if (!peer.handshake.startsWith('HTTP/1.1 101')) throw new Error(`upgrade refused: ${peer.handshake.split('\r\n')[0]}`)
    peer.upgraded = true
    at = chunk.length - (peer.handshake.length - end - 4)
    peer.handshake = ''
    socket.write(peer.joinFrame)
  }
  while (at < chunk.length) {
    if (peer.need > 0) {
      const take = Math.min(peer.need, chunk.length - at)
      if (peer.keep) peer.parts.push(chunk.slice(at, at + take))
      peer.need -= take
      at += take
      if (peer.need === 0) frameDone(socket, peer)
      continue
    }
    const head = peer.head
    head[peer.headLength++] = chunk[at++]!
    if (peer.headLength < 2) continue
    const short = head[1]! & 127
    const size = short === 126 ? 4 : short === 127 ? 10 : 2
    if (peer.headLength < size) continue
    peer.need = short === 126 ? (head[2]! << 8) | head[3]! : short === 127 ? Number(new DataView(head.buffer).getBigUint64(2)) : short
    peer.opcode = head[0]! & 15
    peer.headLength = 0
    peer.keep = peer.opcode === 9 || (phase === 'steady' && peer.timed) || (!peer.first && syncs)
    if (peer.need === 0) frameDone(socket, peer)
  }
}

const server = `http://127.0.0.1:${port}`
const cpu = async () => (await (await fetch(`${server}/cpu`, { method: 'POST' })).json()) as { user: number; system: number; burstLoopUs: number; compileUs: number }
const ownCpu = () => {
  const { user, system } = process.cpuUsage()
  return user + system
}
const until = async (done: () => boolean, ms: number) => {
  const deadline = Date.now() + ms
  while (!done() && Date.now() < deadline) await Bun.sleep(5)
}

const sockets: Array<Socket<Peer>> = []
const encoder = new TextEncoder()
for (let i = 0; i < subscribers; i++) {
  const peer: Peer = { upgraded: false, handshake: '', head: new Uint8Array(10), headLength: 0, opcode: 0, need: 0, keep: false, parts: [], first: false, timed: i % latencyEvery === 0, joinFrame: clientFrame(1, encoder.encode(JSON.stringify({ type: 'join', data: { streamName: 'bench', groupId: 'g', subscriptionId: `s${i}` } }))) }
  const socket = await Bun.connect<Peer>({ hostname: '127.0.0.1', port, data: peer, socket: { data: receive, error: (_, error) => console.error(error) } })
  socket.write(`GET / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`)
  sockets.push(socket)
}
// Measuring starts once every Motia subscriber has its snapshot, as a client would before it shows
// updates; the raw server subscribes on the join frame. Then a pause, so that both start idle.
const joined = now()
await until(() => !syncs || synced >= subscribers, 30_000)
const syncMs = now() - joined
await Bun.sleep(500)

const steady = rate * seconds
const cpu0 = await cpu()
const own0 = ownCpu()
phase = 'steady'
await fetch(`${server}/steady`, { method: 'POST' })
await until(() => received >= steady * subscribers, seconds * 1000 + 5000)
const cpu1 = await cpu()
const own1 = ownCpu()
phase = 'burst'
const started = now()
await fetch(`${server}/burst`, { method: 'POST' })
await until(() => burstReceived >= burst * subscribers, 30_000)
const burstMs = now() - started
const cpu2 = await cpu()
const own2 = ownCpu()
for (const socket of sockets) socket.end()

latencies.sort((a, b) => a - b)
const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))] ?? NaN
const measured: Measured = {
  synced,
  syncMs,
  steadyUserUs: cpu1.user - cpu0.user,
  steadySystemUs: cpu1.system - cpu0.system,
  burstUserUs: cpu2.user - cpu1.user,
  burstSystemUs: cpu2.system - cpu1.system,
  burstLoopUs: cpu2.burstLoopUs,
  burstCompileUs: cpu2.compileUs - cpu1.compileUs,
  clientSteadyCpuUs: own1 - own0,
  clientBurstCpuUs: own2 - own1,
  delivered: received,
  expected: steady * subscribers,
  p50: pct(0.5),
  p99: pct(0.99),
  burstMs,
  burstDelivered: burstReceived,
  burstExpected: burst * subscribers,
}
console.log(JSON.stringify(measured))
process.exit(0)
