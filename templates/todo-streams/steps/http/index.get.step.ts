import type { Handlers, StepConfig } from 'motia'

// GET / — the page (public/index.html). Its script is served by app-script.step.ts.
export const config = { name: 'Page', flows: ['todos'], triggers: [{ type: 'http', method: 'GET', path: '/' }], includeFiles: ['../../public/index.html'] } as const satisfies StepConfig

const page = new URL('../../public/index.html', import.meta.url)

export const handler: Handlers<typeof config> = async () => ({
  status: 200,
  headers: { 'content-type': 'text/html; charset=utf-8' },
  body: await Bun.file(page).text(),
})
