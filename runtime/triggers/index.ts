import type { TriggerType } from '../types/runtime.ts'
import { cronTrigger } from './cron.ts'
import { httpTrigger } from './http.ts'
import { queueTrigger } from './queue.ts'
import { stateTrigger } from './state.ts'
import { streamTrigger } from './stream.ts'

/** The trigger types every project has; each is written against the public plugin API. */
export const builtinTriggers: TriggerType<any>[] = [httpTrigger, queueTrigger, cronTrigger, stateTrigger, streamTrigger]

export { cronTrigger, httpTrigger, queueTrigger, stateTrigger, streamTrigger }
