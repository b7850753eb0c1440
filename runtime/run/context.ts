/**
 * Builds the context a handler receives. Every operation is recorded on the run's span, and state
 * writes are announced so state triggers can fire.
 */
import { MotiaError } from '../errors.ts'
import type { StateAdapter, StateManager } from '../adapters/state/types.ts'
import type { LoadedStep } from '../discovery/loaded-step.ts'
import { createLogger, type Logger, type LogLevel, type LogSink } from '../observability/logger.ts'
import type { SpanHandle, TraceStore } from '../adapters/traces/types.ts'
import type { DurableRun, EnqueueMessage, FiredTrigger, FlowContext, PluginContext, StateChange } from '../types/context.ts'
import { dataOf, guardsFor, matchTrigger } from '../step/multi-trigger.ts'
import { createStreamsContext } from '../streams/api.ts'
import type { StreamHub } from '../streams/hub.ts'
import type { StreamsContext } from '../streams/types.ts'
import { checkEnqueueMessage } from '../topics.ts'
import { closest } from '../suggest.ts'
import { createStateManager } from './state-manager.ts'

export interface ContextDeps {
  state: StateAdapter
  traces: TraceStore
  logSink: LogSink
  logLevel: LogLevel
  /** Validates and publishes (topics.ts `publishTo`); resolves the subscribers that got a copy. */
  publish(message: EnqueueMessage, traceId: string): Promise<readonly string[]>
  /** The topics steps subscribe to now, for "did you mean" when a step enqueues a topic it did not declare. */
  topics?: () => Iterable<string>
  onStateChange(change: StateChange, traceId: string): void
  /** The project's streams, for `ctx.streams`. */
  streams?: StreamHub
}

/**
 * What a context is made for: one run of `step` on `input` within trace `traceId`, recording into
 * `span` (0 records nothing: a condition's check). An `ActiveRun` (active-run.ts) is one.
 */
export interface RunFacts {
  readonly step: LoadedStep
  readonly trigger: FiredTrigger
  readonly input: unknown
  readonly traceId: string
  readonly span: SpanHandle
  /** The delivery attempt of a queue message; 1 elsewhere. */
  readonly attempt: number
  /** The durable primitives, when this is an execution of a workflow run. */
  readonly workflow?: DurableRun
}

/** The context for one run. */
export function createFlowContext(deps: ContextDeps, run: RunFacts): FlowContext {
  // Plugins' members (PluginContext) are added by the runtime, see plugin-host.ts.
  return new StepContext(deps, run) as StepContext & FlowContext
}

/**
 * `enqueue`, the logger and the state API are built on first use: most handlers touch few of
 * them, and a context is made for every request and message. Getters live on the prototype and
 * survive destructuring (`async (req, { logger }) => …`).
 */
class StepContext implements Omit<FlowContext, keyof PluginContext> {
  readonly flows: readonly string[]
  readonly step: string
  #enqueue?: FlowContext['enqueue']
  #logger?: Logger
  #state?: StateManager
  #streams?: StreamsContext

  readonly trigger: FiredTrigger
  readonly traceId: string
  readonly attempt: number
  private readonly definition: LoadedStep
  private readonly span: SpanHandle
  private readonly input: unknown
  private readonly workflow: DurableRun | undefined

  constructor(
    private readonly deps: ContextDeps,
    run: RunFacts,
  ) {
    this.definition = run.step
    this.trigger = run.trigger
    this.traceId = run.traceId
    this.span = run.span
    this.input = run.input
    this.attempt = run.attempt
    this.workflow = run.workflow
    this.flows = run.step.flows
    this.step = run.step.name
  }

  /** A bound function, so that destructuring `{ enqueue }` works. */
  get enqueue(): FlowContext['enqueue'] {
    if (!this.#enqueue) {
      const { deps, definition, span, traceId } = this
      // Not async: one promise (the publish's) per enqueue, and its refusals as rejections.
      this.#enqueue = (message) => {
        try {
          checkEnqueueMessage(message)
          if (!definition.enqueues.includes(message.topic)) throw undeclaredTopic(definition, message.topic, deps.topics?.() ?? [])
        } catch (error) {
          return Promise.reject(error)
        }
        // Stamped before the publish: a subscriber may start before the publish resolves, and its
        // wait in the queue is measured from this moment.
        const at = Date.now()
        return deps.publish(message, traceId).then((subscribers) => {
          deps.traces.addEvent(span, { type: 'enqueue', topic: message.topic, subscribers: subscribers.length, at })
        })
      }
    }
    return this.#enqueue
  }

  /** Motia 0.x's name for `enqueue`. */
  get emit(): FlowContext['enqueue'] {
    return this.enqueue
  }

  get is(): FlowContext['is'] {
    return guardsFor(this.trigger.type)
  }

  get getData(): FlowContext['getData'] {
    return () => dataOf(this.trigger, this.input) as never
  }

  get match(): FlowContext['match'] {
    return (handlers) => matchTrigger(this.step, this.trigger, this.input, handlers as never, this.logger) as never
  }

  get logger(): Logger {
    if (!this.#logger) {
      const { deps, span } = this
      const sink: LogSink = (entry) => {
        deps.traces.addEvent(span, { type: 'log', level: entry.level, msg: entry.msg, at: entry.time })
        deps.logSink(entry)
      }
      this.#logger = createLogger(sink, { level: deps.logLevel, bindings: { traceId: this.traceId, step: this.step, flows: this.flows } })
    }
    return this.#logger
  }

  get state(): StateManager {
    if (!this.#state) {
      const { deps, span, traceId } = this
      this.#state = createStateManager(
        deps.state,
        (op, group, key) => deps.traces.addEvent(span, { type: 'state', op, group, key, at: Date.now() }),
        (change) => deps.onStateChange(change, traceId),
      )
    }
    return this.#state
  }

  /** The durable primitives, bound to this run's span; outside a workflow run they throw, naming the fix. */
  get run(): FlowContext['run'] {
    const { workflow, span } = this
    return (workflow ? (id, fn, options) => workflow.run(span, id, fn, options) : this.notWorkflow('run')) as FlowContext['run']
  }

  get sleep(): FlowContext['sleep'] {
    const { workflow, span } = this
    return workflow ? (id, duration) => workflow.sleep(span, id, duration) : this.notWorkflow('sleep')
  }

  get waitFor(): FlowContext['waitFor'] {
    const { workflow, span } = this
    return (workflow ? (id, options) => workflow.waitFor(span, id, options) : this.notWorkflow('waitFor')) as FlowContext['waitFor']
  }

  get runId(): string | undefined {
    return this.workflow?.runId
  }

  private notWorkflow(member: string): () => Promise<never> {
    const { definition } = this
    return (id?: unknown) =>
      Promise.reject(
        new MotiaError(
          `[motia] step "${definition.name}" (${definition.relativePath}) calls ctx.${member}(${JSON.stringify(id) ?? ''}) but is not a workflow: add workflow: true to its config (see docs/workflows.md)`,
          { code: 'NOT_A_WORKFLOW', status: 500 },
        ),
      )
  }

  get streams(): StreamsContext {
    if (!this.#streams) {
      const { deps, span, traceId } = this
      if (!deps.streams) throw new MotiaError('[motia] streams are not set up in this runtime', { code: 'NO_STREAMS' })
      this.#streams = createStreamsContext(deps.streams, (op, stream, groupId, id) => deps.traces.addEvent(span, { type: 'stream', op, stream, groupId, id, at: Date.now() }), traceId)
    }
    return this.#streams
  }
}

/**
 * The refusal of an enqueue to a topic the step does not list in `config.enqueues`. A near name
 * among the listed (or subscribed) topics is offered instead of adding the typo to the list.
 */
function undeclaredTopic(step: LoadedStep, topic: string, subscribed: Iterable<string>): MotiaError {
  const where = `[motia] step "${step.name}" (${step.relativePath}) enqueues "${topic}" but does not list it in config.enqueues`
  const listed = closest(topic, step.enqueues)
  if (listed) return new MotiaError(`${where}. Did you mean "${listed}", which it lists? Enqueue { topic: '${listed}' }`, { code: 'UNDECLARED_TOPIC' })
  const known = closest(topic, subscribed)
  if (known) return new MotiaError(`${where}. Did you mean "${known}", which a step subscribes to? Enqueue { topic: '${known}' } and add enqueues: ['${known}']`, { code: 'UNDECLARED_TOPIC' })
  return new MotiaError(`${where}: add enqueues: ['${topic}']`, { code: 'UNDECLARED_TOPIC' })
}
