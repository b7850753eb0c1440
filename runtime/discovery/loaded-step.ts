import type { CustomTriggerConfig, FiredTrigger, FlowContext, TriggerConfig } from '../types/context.ts'
import type { StepConfig } from '../step/types.ts'

/**
 * How a step's handler is called. In-process steps call the exported function; out-of-process
 * steps (Python) send the call to their runner. The runtime only ever calls this.
 */
export type StepInvoker = (input: unknown, ctx: FlowContext) => Promise<unknown>

/** A step as the runtime runs it: its config merged with folder conventions, and its invoker. */
export interface LoadedStep {
  name: string
  /** Absolute path of the step file. */
  file: string
  /** Path relative to the project root, for messages. */
  relativePath: string
  /** `typescript`, `javascript`, or an out-of-process language of runtime/languages/ (`python`). */
  language: string
  description?: string
  config: StepConfig
  triggers: FiredTrigger[]
  flows: readonly string[]
  /** Topics the step declared in `enqueues`. */
  enqueues: readonly string[]
  invoke: StepInvoker
}

/** Loads step files of some extensions (TypeScript/JavaScript in process, Python in a worker). */
export interface StepLoader {
  /** Whether this loader handles the file. */
  accepts(file: string): boolean
  /** Imports the file and returns its config and invoker. Throws with the file's name on failure. */
  load(file: string): Promise<{ config: StepConfig | undefined; invoke: StepInvoker | undefined; language: LoadedStep['language'] }>
}

export type AnyTrigger = TriggerConfig | CustomTriggerConfig
