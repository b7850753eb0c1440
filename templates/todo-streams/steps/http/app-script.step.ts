import type { Handlers, StepConfig } from 'motia'

// GET /app.js — public/app.ts bundled for the browser (with motia/client) on first request; no CDN.
export const config = { name: 'AppScript', flows: ['todos'], triggers: [{ type: 'http', method: 'GET', path: '/app.js' }], includeFiles: ['../../public/app.ts'] } as const satisfies StepConfig

let bundled: Promise<string> | undefined

export const handler: Handlers<typeof config> = async () => {
  bundled ??= build()
  return { status: 200, headers: { 'content-type': 'text/javascript; charset=utf-8' }, body: await bundled }
}

async function build(): Promise<string> {
  const result = await Bun.build({ entrypoints: [new URL('../../public/app.ts', import.meta.url).pathname], target: 'browser', minify: true })
  if (!result.success) throw new Error(`public/app.ts failed to build: ${result.logs.map(String).join('; ')}`)
  return result.outputs[0]!.text()
}
