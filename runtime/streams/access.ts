/**
 * Who may subscribe: a stream's `canAccess` (sync or async) and `onJoin`, and the hooks' spans.
 * A subscription is admitted only when `canAccess` answers true — a Promise is awaited first, so a
 * Promise of `false` refuses — and `onJoin` does not answer `{ unauthorized: true }`. A hook that
 * throws refuses too (logged), never admits.
 */
import { errorMessage } from '../errors.ts'
import type { Logger } from '../observability/logger.ts'
import type { StreamHub } from './hub.ts'
import type { StreamHookContext, StreamSubscription } from './types.ts'
import type { HookContextFactory, RunHook } from './upgrade.ts'

export interface Access {
  /** Why this subscription is refused, or undefined when it is admitted (its onJoin has run). */
  refusal(address: Readonly<StreamSubscription>, auth: unknown): Promise<string | undefined>
  /** Runs onLeave for a subscription that was admitted; failures are logged. */
  left(address: Readonly<StreamSubscription>, auth: unknown): void
  runHook: RunHook
}

export function createAccess(hub: StreamHub, logger: Logger, hookContext: HookContextFactory): Access {
  const runHook: RunHook = async (streamName, hook, call) => {
    const { ctx, end } = hookContext(`${hook} ${streamName}`)
    try {
      const result = await call(ctx)
      end()
      return result
    } catch (error) {
      end(error)
      throw error
    }
  }

  const check = async (address: Readonly<StreamSubscription>, auth: unknown): Promise<string | undefined> => {
    const { config } = hub.definition(address.streamName)
    // Awaited before it is judged: a Promise (of false) is truthy.
    if (config.canAccess && !(await config.canAccess({ ...address }, auth))) return `canAccess of stream "${address.streamName}" refused this subscription`
    if (config.onJoin) {
      const answer = await runHook(address.streamName, 'onJoin', (ctx: StreamHookContext) => config.onJoin!({ ...address }, ctx, auth))
      if (answer && typeof answer === 'object' && answer.unauthorized) return answer.reason ?? `onJoin of stream "${address.streamName}" refused this subscription`
    }
    return undefined
  }

  return {
    runHook,
    async refusal(address, auth) {
      try {
        return await check(address, auth)
      } catch (error) {
        logger.error(`[motia] stream "${address.streamName}": access check failed: ${errorMessage(error)}`, { error: error as Error })
        return 'the access check failed'
      }
    },
    left(address, auth) {
      const onLeave = hub.has(address.streamName) ? hub.definition(address.streamName).config.onLeave : undefined
      if (!onLeave) return
      runHook(address.streamName, 'onLeave', (ctx) => onLeave({ ...address }, ctx, auth)).catch((error) =>
        logger.error(`[motia] stream "${address.streamName}": onLeave failed: ${errorMessage(error)}`, { error: error as Error }),
      )
    },
  }
}
