/**
 * Flows: the graph of steps, topics and streams, laid out by dagre (layered, left to right), drawn
 * by React Flow. (ELK laid out a 200-step project in 1–2 s here; dagre takes a fraction of that.)
 * Steps with no edge are not dagre's (it would stack them in one column): they sit in a grid
 * below the connected graph. Nodes are coloured by trigger type (the legend names every kind
 * shown) and show their run counts and last status, updated live; clicking one shows its config,
 * file and recent runs.
 */
import { Background, Controls, Handle, Position, ReactFlow, type Edge, type Node, type NodeProps } from '@xyflow/react'
import '@xyflow/react/dist/style.css'
import dagre from '@dagrejs/dagre'
import { memo, useEffect, useMemo, useState } from 'react'
import type { FlowGraph, RunRecord, StepNode, StreamNode, TopicNode } from '../api.ts'
import { clock, duration, Empty, ErrorLine, Json } from '../format.tsx'
import { useApi, useLive } from '../hooks.ts'

const size = { step: { width: 220, height: 64 }, topic: { width: 160, height: 36 }, stream: { width: 170, height: 40 } }

type Item = StepNode | TopicNode | StreamNode
type NodeData = { item: Item }

/** Trigger types the console colours itself; any other is a plugin's (mqtt, amqp, …). */
const coreTypes = ['http', 'queue', 'cron', 'state', 'stream']

/** The colour class of a step: its first trigger's type, `plugin` for a plugin's, `noop` with none. */
const typeClass = (step: StepNode) => {
  const type = step.types[0]
  return type === undefined ? 't-noop' : coreTypes.includes(type) ? `t-${type}` : 't-plugin'
}

export function FlowsPage() {
  const { data, error } = useApi<FlowGraph>('/flows')
  const [flow, setFlow] = useState('')
  const [selected, setSelected] = useState<string>()
  const [runs, setRuns] = useState<Record<string, { runs: number; errors: number; last?: RunRecord }>>({})
  const [layout, setLayout] = useState<{ nodes: Node<NodeData>[]; edges: Edge[] }>()

  useLive('run', (event) => {
    if (event.event !== 'run') return
    const run = event.data
    setRuns((all) => {
      const was = all[run.step]
      return { ...all, [run.step]: { runs: (was?.runs ?? 0) + 1, errors: (was?.errors ?? 0) + (run.ok ? 0 : 1), last: run } }
    })
  })

  useEffect(() => {
    if (data) setRuns(Object.fromEntries(data.nodes.flatMap((n) => (n.kind === 'step' ? [[n.name, n.stats]] : []))))
  }, [data])

  const shown = useMemo(() => {
    if (!data) return undefined
    const nodes = flow ? data.nodes.filter((n) => n.flows.includes(flow)) : data.nodes
    const ids = new Set(nodes.map((n) => n.id))
    return { nodes, edges: data.edges.filter((e) => ids.has(e.source) && ids.has(e.target)) }
  }, [data, flow])

  useEffect(() => {
    if (!shown) return
    let current = true
    const started = performance.now()
    const laid = layoutGraph(shown)
    setLayout(laid)
    // The browser tests read how long the graph took from data to laid-out nodes on screen.
    requestAnimationFrame(() => current && ((window as { __flowRenderMs?: number }).__flowRenderMs = performance.now() - started))
    return () => {
      current = false
    }
  }, [shown])

  const nodes = useMemo(() => layout?.nodes.map((n) => ({ ...n, selected: n.id === selected, data: { ...n.data, stats: runs[(n.data.item as StepNode).name] } })), [layout, runs, selected])
  const step = data?.nodes.find((n): n is StepNode => n.id === selected && n.kind === 'step')

  if (error && !data) return <ErrorLine error={error} />
  if (!data) return <p className="muted pad">Loading the graph…</p>
  if (data.nodes.length === 0)
    return (
      <Empty title="No steps yet">
        Add a step file under <code>steps/</code>, e.g. <code>motia generate step -n Hello -t http</code>; it appears here as soon as it is saved.
      </Empty>
    )
  return (
    <div className="flows">
      <div className="toolbar">
        <label>
          Flow{' '}
          <select value={flow} onChange={(e) => setFlow(e.target.value)} data-filter>
            <option value="">all steps</option>
            {data.flows.map((f) => (
              <option key={f}>{f}</option>
            ))}
          </select>
        </label>
        <Legend nodes={data.nodes} />
      </div>
      <div className="flow-body">
        <div className="graph" data-testid="flow-graph" data-rendered={layout ? 'yes' : 'no'}>
          {nodes && (
            <ReactFlow
              nodes={nodes}
              edges={layout!.edges}
              nodeTypes={nodeTypes}
              onNodeClick={(_e, node) => setSelected(node.id)}
              onPaneClick={() => setSelected(undefined)}
              fitView
              minZoom={0.05}
              nodesConnectable={false}
              nodesDraggable={false}
              proOptions={{ hideAttribution: true }}
            >
              <Background />
              <Controls showInteractive={false} />
            </ReactFlow>
          )}
        </div>
        {step && <StepPanel step={step} onClose={() => setSelected(undefined)} />}
      </div>
    </div>
  )
}

function StepPanel({ step, onClose }: { step: StepNode; onClose: () => void }) {
  const { data } = useApi<{ recent: RunRecord[] }>(`/flows/${encodeURIComponent(step.name)}/runs`)
  return (
    <aside className="panel" aria-label={`Step ${step.name}`} data-testid="step-panel">
      <div className="panel-head">
        <h2>{step.name}</h2>
        <button className="ghost" onClick={onClose} aria-label="Close">
          ✕
        </button>
      </div>
      <p className="muted">
        <code>{step.file}</code>
      </p>
      {step.description && <p>{step.description}</p>}
      <p>{step.triggers.join(' · ')}</p>
      <h3>Recent runs</h3>
      {data?.recent.length ? (
        <ul className="runs">
          {data.recent.map((r) => (
            <li key={`${r.traceId}${r.at}`}>
              <a href={`#/traces/${r.traceId}`}>
                <span className={`dot ${r.ok ? 'ok' : 'error'}`} /> {clock(r.at)} · {duration(r.durationMs)} {r.error && <span className="err">{r.error}</span>}
              </a>
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted">No runs since the server started.</p>
      )}
      <h3>Config</h3>
      <Json value={step.config} />
    </aside>
  )
}

const StepBox = memo(function StepBox({ data }: NodeProps<Node<NodeData & { stats?: { runs: number; errors: number; last?: RunRecord } }>>) {
  const item = data.item
  if (item.kind === 'stream') {
    return (
      <div className="node stream-node" title={`stream ${item.name}: steps that use it point to it; steps its changes trigger follow it`} data-stream={item.name}>
        <Handle type="target" position={Position.Left} />
        ≋ {item.name}
        <Handle type="source" position={Position.Right} />
      </div>
    )
  }
  if (item.kind === 'topic') {
    return (
      <div className="node topic" title={`topic ${item.name}`}>
        <Handle type="target" position={Position.Left} />
        {item.name}
        <Handle type="source" position={Position.Right} />
      </div>
    )
  }
  const stats = data.stats
  const last = stats?.last
  return (
    <div className={`node step ${typeClass(item)}`} data-step={item.name}>
      <Handle type="target" position={Position.Left} />
      <div className="node-name">{item.name}</div>
      <div className="node-meta">
        <span>{item.triggers[0] ?? 'no trigger'}</span>
        <span className="counts" title="runs / failures since the server started">
          {last && <span className={`dot ${last.ok ? 'ok' : 'error'}`} />} {stats?.runs ?? 0}
          {stats?.errors ? <span className="err"> / {stats.errors}✕</span> : null}
        </span>
      </div>
      <Handle type="source" position={Position.Right} />
    </div>
  )
})

const nodeTypes = { box: StepBox }

/** A chip for every kind of node: the core trigger types, each plugin trigger type in the project, steps with no trigger, topics and streams. */
function Legend({ nodes }: { nodes: FlowGraph['nodes'] }) {
  const plugins = [...new Set(nodes.flatMap((n) => (n.kind === 'step' ? n.types.filter((t) => !coreTypes.includes(t)) : [])))].sort()
  const chips: Array<{ label: string; className: string; title: string }> = [
    ...coreTypes.map((t) => ({ label: t, className: `chip t-${t}`, title: `a step triggered by ${t}` })),
    ...(plugins.length ? plugins : ['plugin']).map((t) => ({ label: plugins.length ? `${t} (plugin)` : 'plugin trigger', className: 'chip t-plugin', title: 'a step triggered by a plugin trigger type' })),
    { label: 'noop', className: 'chip t-noop', title: 'a step with no trigger (virtual edges only)' },
    { label: 'topic', className: 'chip topic', title: 'a queue topic: steps enqueue to it, subscribers follow it' },
    { label: 'stream data', className: 'chip stream-node', title: 'a stream (*.stream.ts): the steps that use it point to it' },
  ]
  return (
    <div className="legend" aria-label="Legend">
      {chips.map((c) => (
        <span key={c.label} className={c.className} title={c.title} data-testid="legend-item">
          {c.label}
        </span>
      ))}
    </div>
  )
}

function layoutGraph(graph: Pick<FlowGraph, 'nodes' | 'edges'>): { nodes: Node<NodeData>[]; edges: Edge[] } {
  const linked = new Set(graph.edges.flatMap((e) => [e.source, e.target]))
  const connected = graph.nodes.filter((n) => linked.has(n.id))
  const g = new dagre.graphlib.Graph()
  // 'longest-path' ranks in linear time; the default (network simplex) was most of the layout's
  // 0.4–0.7 s at 380 nodes and gives the same layers for the chains a flow is made of.
  g.setGraph({ rankdir: 'LR', ranksep: 60, nodesep: 24, ranker: 'longest-path' })
  g.setDefaultEdgeLabel(() => ({}))
  for (const n of connected) g.setNode(n.id, { ...size[n.kind] })
  for (const e of graph.edges) g.setEdge(e.source, e.target)
  if (connected.length) dagre.layout(g)
  const positions = new Map<string, { x: number; y: number }>()
  let bottom = 0
  let right = 0
  for (const item of connected) {
    const laid = g.node(item.id)
    // dagre gives centres; React Flow wants top-left corners.
    const at = { x: laid.x - size[item.kind].width / 2, y: laid.y - size[item.kind].height / 2 }
    positions.set(item.id, at)
    bottom = Math.max(bottom, at.y + size[item.kind].height)
    right = Math.max(right, at.x + size[item.kind].width)
  }
  placeInGrid(graph.nodes.filter((n) => !linked.has(n.id)), positions, connected.length ? bottom + 80 : 0, right)
  return {
    // The sizes are the boxes' fixed CSS sizes: given here, React Flow draws the nodes at once
    // instead of hiding them until it has measured each one (~0.5 s at 400 nodes).
    nodes: graph.nodes.map((item) => ({ id: item.id, type: 'box', position: positions.get(item.id)!, ...size[item.kind], data: { item } })),
    edges: graph.edges.map((e) => ({
      id: e.id,
      source: e.source,
      target: e.target,
      label: e.label,
      animated: !e.virtual && e.kind === 'enqueue' && graph.edges.length < 100,
      className: [e.virtual ? 'virtual' : '', `e-${e.kind}`].join(' ').trim(),
      style: e.virtual || e.conditional ? { strokeDasharray: '6 4' } : e.kind === 'write' || e.kind === 'trigger' ? { strokeDasharray: '2 3' } : undefined,
    })),
  }
}

/**
 * Nodes with no edge, in rows under the connected graph (as wide as it, or about square when
 * alone), grouped by kind and trigger type, then by name.
 */
function placeInGrid(items: Item[], positions: Map<string, { x: number; y: number }>, top: number, width: number): void {
  if (items.length === 0) return
  const cell = { width: size.step.width + 24, height: size.step.height + 24 }
  const square = Math.ceil(Math.sqrt(items.length * 2))
  const columns = Math.max(1, Math.min(items.length, Math.max(square, Math.floor(width / cell.width))))
  const order = (n: Item) => `${n.kind === 'step' ? (n.types[0] ?? '~') : `~${n.kind}`} ${n.name}`
  const sorted = [...items].sort((a, b) => order(a).localeCompare(order(b)))
  sorted.forEach((item, i) => positions.set(item.id, { x: (i % columns) * cell.width, y: top + Math.floor(i / columns) * cell.height }))
}
