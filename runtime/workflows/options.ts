/**
 * A workflow step's options (`workflow: true | { … }` in its config), with their defaults, checked
 * when the steps load: a wrong value is refused with the file and the fix.
 */
import { ConfigError } from '../errors.ts'
import type { LoadedStep } from '../discovery/loaded-step.ts'

export interface WorkflowLimits {
  waitsFor: readonly string[]
  maxCheckpoints: number
  maxResultBytes: number
  concurrency: number
  timeoutMs: number
}

export const workflowDefaults = { maxCheckpoints: 1000, maxResultBytes: 256 * 1024, concurrency: 10, timeoutMs: 600_000 } as const

/** True when the step is a workflow. */
export function isWorkflow(step: Pick<LoadedStep, 'config'>): boolean {
  const option = step.config.workflow
  return option === true || (typeof option === 'object' && option !== null)
}

/** The step's workflow options with defaults; throws a `ConfigError` naming the file for a wrong one. */
export function workflowLimits(step: Pick<LoadedStep, 'config' | 'name' | 'relativePath'>): WorkflowLimits {
  const option = step.config.workflow
  const where = `[motia] step "${step.name}" (${step.relativePath})`
  if (option === true || option === undefined || option === false) return { waitsFor: [], ...workflowDefaults }
  if (option === null || typeof option !== 'object' || Array.isArray(option)) {
    throw new ConfigError(`${where}: workflow must be true or an object such as { waitsFor: ['order.shipped'] }, got ${JSON.stringify(option)}`, { file: step.relativePath })
  }
  const waitsFor = option.waitsFor ?? []
  if (!Array.isArray(waitsFor) || !waitsFor.every((topic) => typeof topic === 'string' && topic.length > 0)) {
    throw new ConfigError(`${where}: workflow.waitsFor must list topic names, e.g. waitsFor: ['order.shipped'], got ${JSON.stringify(waitsFor)}`, { file: step.relativePath })
  }
  const whole = (name: keyof typeof workflowDefaults, max: number): number => {
    const value = option[name]
    if (value === undefined) return workflowDefaults[name]
    if (!Number.isInteger(value) || (value as number) < 1 || (value as number) > max) {
      throw new ConfigError(`${where}: workflow.${name} must be a whole number from 1 to ${max}, got ${JSON.stringify(value)}`, { file: step.relativePath })
    }
    return value as number
  }
  return {
    waitsFor,
    maxCheckpoints: whole('maxCheckpoints', 100_000),
    maxResultBytes: whole('maxResultBytes', 16 * 1024 * 1024),
    concurrency: whole('concurrency', 1000),
    timeoutMs: whole('timeoutMs', 24 * 3_600_000),
  }
}
