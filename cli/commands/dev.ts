import { resolve } from 'node:path'
import { watchProject } from '../../runtime/watch.ts'
import { serve } from '../serve.ts'

/** `motia dev`: serve with hot reload. */
export async function dev(opts: { port?: number; host?: string; dir: string }): Promise<void> {
  const runtime = await serve({ root: resolve(opts.dir), mode: 'dev', port: opts.port, host: opts.host })
  watchProject(runtime)
}
