/**
 * The registry: which steps are loaded, which topics they subscribe to, the trigger types that
 * start and stop them, and the hot-reload swap that replaces one set of registrations with the
 * next. Everything a reload changes lives here; adapters, the server and the run path do not
 * reload.
 *
 * Seam: a step of any language registers the same way (its `invoke` is all the run path calls);
 * a trigger type added by a plugin registers here like the built-in ones (types/runtime.ts
 * `TriggerType`).
 */
import { ConfigError } from './errors.ts'
import type { QueueAdapter } from './adapters/queue/types.ts'
import type { LoadedStep } from './discovery/loaded-step.ts'
import { warnOrphanedQueues } from './discovery/orphaned-queues.ts'
import type { Logger } from './observability/logger.ts'
import { indexTopics, type Subscriber, type TopicIndex } from './topics.ts'
import type { EventBus } from './events.ts'
import type { MotiaPlugin, MotiaRuntime, TriggerType, Unregister } from './types/runtime.ts'

export interface RegistryOptions {
  triggerTypes: ReadonlyMap<string, TriggerType>
  queue: QueueAdapter
  logger: Logger
  /** Their `onStepsLoaded` hooks run after each swap. */
  plugins: readonly MotiaPlugin[]
  events: EventBus
}

export interface Registry {
  /** The steps currently registered. */
  steps(): readonly LoadedStep[]
  /** The steps of the last load and those kept for their queues: the next load's `previous`. */
  known(): LoadedStep[]
  topics(): TopicIndex
  subscribers(topic: string): readonly Subscriber[]
  /**
   * Registers `next` and unregisters what was registered before. `keep` (steps whose file failed
   * to load, see load-steps.ts) stay subscribed: publishes still reach their queues.
   */
  swap(next: LoadedStep[], keep: LoadedStep[], runtime: MotiaRuntime): Promise<void>
  /** Unregisters every trigger (shutdown); each result settles once its trigger has stopped. */
  unregisterAll(): Array<void | Promise<void>>
}

/** The trigger types the plugins add, by type; two plugins adding one type is refused. */
export function collectTriggerTypes(plugins: readonly MotiaPlugin[]): Map<string, TriggerType> {
  const types = new Map<string, TriggerType>()
  for (const plugin of plugins) {
    for (const type of plugin.triggers ?? []) {
      if (types.has(type.type)) throw new ConfigError(`[motia] plugin "${plugin.name}" adds trigger type "${type.type}", which another plugin already adds`)
      types.set(type.type, type)
    }
  }
  return types
}

export function createRegistry(options: RegistryOptions): Registry {
  const { triggerTypes, queue, logger, plugins, events } = options
  let steps: LoadedStep[] = []
  let kept: LoadedStep[] = []
  let topics: TopicIndex = new Map()
  let registrations: Unregister[] = []

  const register = async (step: LoadedStep, runtime: MotiaRuntime) => {
    for (const trigger of step.triggers) {
      const type = triggerTypes.get(trigger.type)!
      try {
        registrations.push(await type.register(step, trigger as never, runtime))
      } catch (error) {
        logger.error(`[motia] step "${step.name}" (${step.relativePath}): ${trigger.type} trigger failed to start: ${(error as Error).message}`)
      }
    }
  }

  return {
    steps: () => steps,
    known: () => [...steps, ...kept],
    topics: () => topics,
    subscribers: (topic) => topics.get(topic) ?? [],
    async swap(next, keep, runtime) {
      const previous = registrations
      const subscribed = topics
      registrations = []
      // Old consumers finish their running handlers in the background; queued copies stay queued.
      for (const unregister of previous) void Promise.resolve(unregister()).catch((error) => logger.error('unregister failed', { error }))
      steps = next
      kept = keep
      // Publishes still copy into the queues of kept steps; nothing consumes them until they load.
      topics = indexTopics([...next, ...keep])
      if (subscribed.size > 0) await warnOrphanedQueues(subscribed, topics, queue, logger)
      for (const step of next) await register(step, runtime)
      for (const plugin of plugins) await plugin.hooks?.onStepsLoaded?.(next, runtime)
      events.emit('steps:loaded', next)
    },
    unregisterAll() {
      const stopping = registrations.map((unregister) => unregister())
      registrations = []
      return stopping
    },
  }
}
