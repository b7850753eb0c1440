import type { AnyTrigger } from './loaded-step.ts'

/**
 * Merges the trigger a file's location implies into its explicit triggers. Explicit fields win:
 * explicit triggers of the inferred type only get the fields they leave out; when no explicit
 * trigger has that type, the inferred trigger is added.
 */
export function mergeTriggers(explicit: readonly AnyTrigger[], inferred: (Partial<AnyTrigger> & { type: string }) | undefined): AnyTrigger[] {
  if (!inferred) return [...explicit]
  let matched = false
  const merged = explicit.map((trigger) => {
    if (trigger.type !== inferred.type) return trigger
    matched = true
    return { ...inferred, ...definedFields(trigger) } as AnyTrigger
  })
  return matched ? merged : [...merged, inferred as AnyTrigger]
}

// --- internal ---

function definedFields(trigger: AnyTrigger): Partial<AnyTrigger> {
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(trigger)) if (value !== undefined) out[key] = value
  return out as Partial<AnyTrigger>
}
