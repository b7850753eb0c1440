/** `motia start`: serve for production; refuses to start when a step has errors. */
import { resolve } from 'node:path'
import { defineCommand, listenOptions } from '../command.ts'

export default defineCommand({
  name: 'start',
  description: 'run the project in production (no watcher)',
  options: listenOptions('0.0.0.0, or $HOST'),
  dir: true,
  examples: ['motia start', 'PORT=8080 motia start'],
  async run(opts: { port?: number; host?: string; dir: string }) {
    const { serve } = await import('../serve.ts')
    return (await serve({ root: resolve(opts.dir), mode: 'start', port: opts.port, host: opts.host })).stopped
  },
})
