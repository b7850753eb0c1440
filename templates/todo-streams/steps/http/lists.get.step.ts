import type { Handlers, StepConfig } from 'motia'
import { lists } from '../lists.ts'

// GET /lists — the lists there are, for the page (public/app.tsx).
export const config = { name: 'Lists', flows: ['todos'], triggers: [{ type: 'http', method: 'GET', path: '/lists' }] } as const satisfies StepConfig

export const handler: Handlers<typeof config> = async () => ({ status: 200, body: { lists } })
