/**
 * A Mosquitto broker of a test's own, on a free port of 127.0.0.1 (never the machine's 1883).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { connect } from 'node:net'
import { freePort } from './project.ts'
import { requireBinary } from './prerequisites.ts'

export interface Broker {
  port: number
  url: string
  /** Stops the broker and removes its files. */
  stop(): Promise<void>
  /** Stops the broker process only (to test reconnects); `restart` starts it again on the same port. */
  kill(): Promise<void>
  restart(): Promise<void>
}

/** Starts the broker; start it inside `beforeAllTests` so that without mosquitto each test fails by name. */
export async function startMosquitto(): Promise<Broker> {
  const binary = requireBinary('mosquitto')
  const dir = mkdtempSync(join(tmpdir(), 'motia-mqtt-'))
  const port = freePort()
  const conf = join(dir, 'mosquitto.conf')
  writeFileSync(conf, `listener ${port} 127.0.0.1\nallow_anonymous true\npersistence false\n`)
  let proc: ReturnType<typeof Bun.spawn> | undefined
  const start = async () => {
    proc = Bun.spawn([binary, '-c', conf], { stdout: 'ignore', stderr: 'pipe' })
    const deadline = Date.now() + 10_000
    while (!(await speaksMqtt(port))) {
      if (proc.exitCode !== null) throw new Error(`mosquitto exited with ${proc.exitCode}: ${await new Response(proc.stderr as ReadableStream).text()}`)
      if (Date.now() > deadline) throw new Error(`mosquitto did not listen on ${port}`)
      await Bun.sleep(20)
    }
  }
  const stop = async () => {
    if (proc && proc.exitCode === null) {
      proc.kill('SIGTERM')
      await proc.exited
    }
  }
  await start()
  return {
    port,
    url: `mqtt://127.0.0.1:${port}`,
    restart: start,
    kill: stop,
    async stop() {
      await stop()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

/**
 * True when what listens on `port` is an MQTT broker: it answers an MQTT 3.1.1 CONNECT with a
 * CONNACK. Another test's server that took the port meanwhile answers otherwise, or not at all.
 */
function speaksMqtt(port: number): Promise<boolean> {
  // CONNECT: protocol "MQTT" level 4, clean session, keep-alive 60 s, an empty client id.
  const connectPacket = Buffer.from([0x10, 0x0c, 0x00, 0x04, 0x4d, 0x51, 0x54, 0x54, 0x04, 0x02, 0x00, 0x3c, 0x00, 0x00])
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' })
    const done = (mqtt: boolean) => {
      clearTimeout(timer)
      socket.destroy()
      resolve(mqtt)
    }
    const timer = setTimeout(() => done(false), 5_000)
    socket.once('connect', () => socket.write(connectPacket))
    socket.once('data', (data: Buffer) => done(data[0] === 0x20))
    socket.once('error', () => done(false))
    socket.once('close', () => done(false))
  })
}
