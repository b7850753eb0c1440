/**
 * `GET /__motia/api/flows`: the steps as a graph. Steps, topics and streams are nodes; an edge goes
 * from a step to each topic it enqueues to and from a topic to each step subscribed to it, from a
 * step to each stream it writes (stream-writers.ts) and from a stream to each step it triggers.
 * Edges drawn from `virtualEnqueues` / `virtualSubscribes` are marked `virtual`.
 */
import type { LoadedStep } from 'motia'
import { describe, triggerSummary } from './describe.ts'
import type { RunStats, StepStats } from './run-stats.ts'
import { streamsWrittenBy } from './stream-writers.ts'

export interface StepNode {
  id: string
  kind: 'step'
  name: string
  file: string
  description?: string
  flows: readonly string[]
  /** Trigger types, in config order: `http`, `queue`, `cron`, … */
  types: string[]
  triggers: string[]
  config: unknown
  stats: Omit<StepStats, 'recent'>
}

export interface TopicNode {
  id: string
  kind: 'topic'
  name: string
  flows: string[]
}

/** A stream (`*.stream.ts`): its writers and the steps its changes trigger are its edges. */
export interface StreamNode {
  id: string
  kind: 'stream'
  name: string
  flows: string[]
}

export interface FlowEdge {
  id: string
  source: string
  target: string
  /** step → topic, topic → step, step → the stream it writes, stream → the step its changes trigger. */
  kind: 'enqueue' | 'subscribe' | 'write' | 'trigger'
  virtual: boolean
  label?: string
  conditional?: boolean
}

export interface FlowGraph {
  flows: string[]
  nodes: Array<StepNode | TopicNode | StreamNode>
  edges: FlowEdge[]
}

/** The graph of `steps`, with a node for each of the project's `streams` (their names). */
export function flowGraph(steps: readonly LoadedStep[], stats: RunStats, streams: readonly string[] = []): FlowGraph {
  const topics = new Map<string, Set<string>>()
  const streamFlows = new Map([...streams].sort().map((name) => [name, new Set<string>()]))
  const touchStream = (name: string, flows: readonly string[]) => {
    for (const flow of flows) streamFlows.get(name)!.add(flow)
    return `stream:${name}`
  }
  const edges = new Map<string, FlowEdge>()
  const touch = (topic: string, flows: readonly string[]) => {
    const set = topics.get(topic) ?? new Set()
    topics.set(topic, set)
    for (const flow of flows) set.add(flow)
    return `topic:${topic}`
  }
  const add = (edge: Omit<FlowEdge, 'id'>) => {
    const id = `${edge.source}->${edge.target}`
    // A real edge wins over a virtual one between the same nodes.
    if (!edges.has(id) || !edge.virtual) edges.set(id, { id, ...edge })
  }
  const nodes: Array<StepNode | TopicNode | StreamNode> = steps.map((step) => {
    const id = `step:${step.name}`
    for (const declared of step.config.enqueues ?? []) add({ source: id, target: touch(topicOf(declared), step.flows), kind: 'enqueue', virtual: false, ...labelOf(declared) })
    for (const declared of step.config.virtualEnqueues ?? []) add({ source: id, target: touch(topicOf(declared), step.flows), kind: 'enqueue', virtual: true, ...labelOf(declared) })
    for (const trigger of step.triggers) {
      const topic = (trigger as { topic?: unknown }).topic
      if (trigger.type === 'queue' && typeof topic === 'string') add({ source: touch(topic, step.flows), target: id, kind: 'subscribe', virtual: false })
    }
    for (const topic of step.config.virtualSubscribes ?? []) add({ source: touch(topic, step.flows), target: id, kind: 'subscribe', virtual: true })
    for (const name of streamsWrittenBy(step, streams)) add({ source: id, target: touchStream(name, step.flows), kind: 'write', virtual: false })
    for (const trigger of step.triggers) {
      const name = (trigger as { streamName?: unknown }).streamName
      // A stream trigger without a name follows every stream.
      const followed = trigger.type !== 'stream' ? [] : typeof name === 'string' ? (streamFlows.has(name) ? [name] : []) : streams
      for (const stream of followed) add({ source: touchStream(stream, step.flows), target: id, kind: 'trigger', virtual: false })
    }
    const { recent: _recent, ...counts } = stats.of(step.name)
    return {
      id,
      kind: 'step',
      name: step.name,
      file: step.relativePath,
      description: step.description,
      flows: step.flows,
      types: [...new Set(step.triggers.map((t) => t.type))],
      triggers: step.triggers.map(triggerSummary),
      config: describe(step.config),
      stats: counts,
    }
  })
  for (const [name, flows] of topics) nodes.push({ id: `topic:${name}`, kind: 'topic', name, flows: [...flows].sort() })
  for (const [name, flows] of streamFlows) nodes.push({ id: `stream:${name}`, kind: 'stream', name, flows: [...flows].sort() })
  const flows = [...new Set(steps.flatMap((s) => s.flows))].sort()
  return { flows, nodes, edges: [...edges.values()] }
}

// --- internal ---

type Declared = string | { readonly topic: string; readonly label?: string; readonly conditional?: boolean }

function topicOf(declared: Declared): string {
  return typeof declared === 'string' ? declared : declared.topic
}

function labelOf(declared: Declared): { label?: string; conditional?: boolean } {
  if (typeof declared === 'string') return {}
  return { ...(declared.label ? { label: declared.label } : {}), ...(declared.conditional ? { conditional: true } : {}) }
}
