/**
 * A RabbitMQ broker of a test file's own: a private Erlang node (its own name, cookie, ports, data
 * and epmd) on free ports of 127.0.0.1, never the machine's 5672. Starting one takes seconds, so a
 * file shares one between its tests (queues named per test). `npm test` installs rabbitmq-server
 * where it is missing; start it inside `beforeAllTests` so that without it each test fails by name.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { connect } from 'node:net'
import { freePort } from './project.ts'
import { requireBinary } from './prerequisites.ts'

export interface RabbitMq {
  port: number
  url: string
  /** Runs `rabbitmqctl` against this broker; resolves with its output, rejects when it fails. */
  ctl(args: string[]): Promise<string>
  /** Stops the broker and its epmd, and removes its files. */
  stop(): Promise<void>
}

export async function startRabbitMq(): Promise<RabbitMq> {
  // The ports are free when chosen, not reserved: during the seconds the broker takes to boot,
  // another test's server may take one (the broker then fails to bind and exits; its log, not its
  // stderr, says why). A broker that exited before it spoke AMQP is started again on new ports.
  for (let tries = 1; ; tries++) {
    try {
      return await startOnFreePorts()
    } catch (error) {
      if (tries === 3 || !(error instanceof ExitedEarly)) throw error
    }
  }
}

// --- internal ---

class ExitedEarly extends Error {}

async function startOnFreePorts(): Promise<RabbitMq> {
  const server = requireBinary('rabbitmq-server')
  const ctlBinary = join(dirname(server), 'rabbitmqctl')
  const dir = mkdtempSync(join(tmpdir(), 'motia-rabbitmq-'))
  const [port, distPort, epmdPort] = [freePort(), freePort(), freePort()]
  const node = `motia-test-${port}@localhost`
  // Management and other plugins off: they would need ports of their own and slow the start.
  writeFileSync(join(dir, 'enabled_plugins'), '[].\n')
  writeFileSync(join(dir, 'rabbitmq.conf'), `listeners.tcp.default = 127.0.0.1:${port}\nloopback_users = none\n`)
  writeFileSync(join(dir, '.erlang.cookie'), crypto.randomUUID().replaceAll('-', ''), { mode: 0o400 })
  const env = {
    ...process.env,
    HOME: dir,
    ERL_EPMD_PORT: String(epmdPort),
    RABBITMQ_NODENAME: node,
    RABBITMQ_NODE_IP_ADDRESS: '127.0.0.1',
    RABBITMQ_NODE_PORT: String(port),
    RABBITMQ_DIST_PORT: String(distPort),
    RABBITMQ_CONFIG_FILE: join(dir, 'rabbitmq.conf'),
    RABBITMQ_ENABLED_PLUGINS_FILE: join(dir, 'enabled_plugins'),
    RABBITMQ_MNESIA_BASE: join(dir, 'mnesia'),
    RABBITMQ_LOG_BASE: join(dir, 'log'),
    RABBITMQ_PID_FILE: join(dir, 'rabbitmq.pid'),
  }
  const proc = Bun.spawn([server], { env, cwd: dir, stdout: 'ignore', stderr: 'pipe' })
  const ctl = async (args: string[]) => {
    const run = Bun.spawn([ctlBinary, '-q', '-n', node, ...args], { env, cwd: dir, stdout: 'pipe', stderr: 'pipe' })
    const [out, err, code] = await Promise.all([new Response(run.stdout).text(), new Response(run.stderr).text(), run.exited])
    if (code !== 0) throw new Error(`rabbitmqctl ${args.join(' ')} exited with ${code}: ${err.trim()}`)
    return out
  }
  const stop = async () => {
    if (proc.exitCode === null) {
      proc.kill('SIGTERM')
      await proc.exited
    }
    // The node started an epmd on its private port; it outlives the node unless told to go.
    await Bun.spawn(['epmd', '-port', String(epmdPort), '-kill'], { env, stdout: 'ignore', stderr: 'ignore' }).exited.catch(() => undefined)
    rmSync(dir, { recursive: true, force: true })
  }
  // An Erlang VM and RabbitMQ's boot take seconds even on a quiet machine; under load, many more.
  const deadline = Date.now() + 120_000
  while (!(await speaksAmqp(port))) {
    if (proc.exitCode !== null) {
      const stderr = await new Response(proc.stderr as ReadableStream).text()
      await stop()
      throw new ExitedEarly(`rabbitmq-server exited with ${proc.exitCode} before listening on ${port}: ${stderr.trim().split('\n').slice(-3).join(' ')}`)
    }
    if (Date.now() > deadline) {
      await stop()
      throw new Error(`rabbitmq-server did not listen on ${port} within 120 s`)
    }
    await Bun.sleep(100)
  }
  return { port, url: `amqp://127.0.0.1:${port}`, ctl, stop }
}

/**
 * True when what listens on `port` is an AMQP broker: it answers the AMQP 0-9-1 protocol header
 * with a method frame (Connection.Start). Anything else listening there (another test's server
 * that took the port) answers otherwise, or not at all.
 */
function speaksAmqp(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' })
    const done = (amqp: boolean) => {
      clearTimeout(timer)
      socket.destroy()
      resolve(amqp)
    }
    const timer = setTimeout(() => done(false), 5_000)
    socket.once('connect', () => socket.write(Buffer.from('AMQP\x00\x00\x09\x01', 'latin1')))
    socket.once('data', (data: Buffer) => done(data[0] === 1))
    socket.once('error', () => done(false))
    socket.once('close', () => done(false))
  })
}
