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
    while (!(await answers(port))) {
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

function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' })
    socket.once('connect', () => (socket.destroy(), resolve(true)))
    socket.once('error', () => resolve(false))
  })
}
