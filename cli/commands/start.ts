import { resolve } from 'node:path'
import { serve } from '../serve.ts'

/** `motia start`: serve for production; refuses to start when a step has errors. */
export async function start(opts: { port?: number; host?: string; dir: string }): Promise<void> {
  await serve({ root: resolve(opts.dir), mode: 'start', port: opts.port, host: opts.host })
}
