/**
 * Schemas as steps write them: any Standard Schema (zod, valibot, arktype, ...) or a plain JSON
 * Schema object. `compileSchema` turns either into one validate function; JSON Schemas are
 * compiled by ajv, which is loaded only when a project uses one.
 */
import type { FromJsonSchema } from './json-schema-type.ts'
import type { ValidationIssue } from '../errors.ts'

/** The Standard Schema interface (https://standardschema.dev), version 1, as far as we use it. */
export interface StandardSchemaV1<Input = unknown, Output = Input> {
  readonly '~standard': {
    readonly version: 1
    readonly vendor: string
    readonly validate: (value: unknown) => StandardResult<Output> | Promise<StandardResult<Output>>
    readonly types?: { readonly input: Input; readonly output: Output } | undefined
  }
}

type StandardResult<Output> =
  | { readonly value: Output; readonly issues?: undefined }
  | { readonly issues: ReadonlyArray<{ readonly message: string; readonly path?: ReadonlyArray<PropertyKey | { readonly key: PropertyKey }> | undefined }> }

/** A plain JSON Schema object (draft 2020-12 or 07). */
export interface JsonSchema {
  readonly type?: string | readonly string[]
  readonly properties?: Readonly<Record<string, unknown>>
  readonly required?: readonly string[]
  readonly [keyword: string]: unknown
}

/** Anything a step may put where a schema goes. */
export type Schema = StandardSchemaV1 | JsonSchema

/**
 * The type a schema produces: the output type for Standard Schemas; for JSON Schema, what a
 * literal schema (`as const`) describes (see json-schema-type.ts), else `unknown`.
 */
export type InferSchema<S> = S extends StandardSchemaV1<unknown, infer Output> ? Output : S extends object ? FromJsonSchema<S> : unknown

/**
 * The type a schema accepts: the input type for Standard Schemas (before defaults and transforms
 * apply), as `InferSchema` for JSON Schema. What a sender must provide, where `InferSchema` is what a
 * receiver gets.
 */
export type InferSchemaInput<S> = S extends StandardSchemaV1<infer Input, unknown> ? Input : S extends object ? FromJsonSchema<S> : unknown

export type ValidationResult = { ok: true; value: unknown } | { ok: false; issues: ValidationIssue[] }

/** A compiled validator. Synchronous schemas answer synchronously, so hot paths need not await. */
export type Validate = (value: unknown) => ValidationResult | Promise<ValidationResult>

export function isStandardSchema(schema: unknown): schema is StandardSchemaV1 {
  return typeof schema === 'object' && schema !== null && '~standard' in schema
}

export function isSchema(value: unknown): value is Schema {
  if (isStandardSchema(value)) return true
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false
  return ['type', 'properties', '$ref', 'anyOf', 'oneOf', 'allOf', 'enum', 'const', '$schema'].some((k) => k in value)
}

const compiled = new WeakMap<object, Validate>()

/** Compiles a schema (once per schema object); call the result for every value. */
export function compileSchema(schema: Schema): Validate {
  let validate = compiled.get(schema)
  if (!validate) {
    validate = isStandardSchema(schema) ? compileStandard(schema) : compileJsonSchema(schema)
    compiled.set(schema, validate)
  }
  return validate
}

/** Describes issues on one line each, for error messages and logs. */
export function formatIssues(issues: ValidationIssue[]): string {
  return issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; ')
}

/**
 * JSON Schema for a schema, for documentation and for out-of-process steps. Standard Schemas that
 * cannot describe themselves (no `toJSONSchema`) yield `undefined`. `io: 'input'` describes what
 * the schema accepts (fields with defaults optional), the default `'output'` what it produces.
 */
export function toJsonSchema(schema: Schema, options: { io?: 'input' | 'output' } = {}): JsonSchema | undefined {
  if (!isStandardSchema(schema)) return schema
  const vendor = schema['~standard'].vendor
  if (vendor === 'zod') {
    // zod 4 ships its own converter; required lazily so zod stays an optional peer of the runtime
    const { toJSONSchema } = require('zod') as { toJSONSchema: (s: unknown, o?: unknown) => JsonSchema }
    try {
      return toJSONSchema(schema, { unrepresentable: 'any', io: options.io ?? 'output' })
    } catch {
      return undefined
    }
  }
  return undefined
}

// --- internal ---

function compileStandard(schema: StandardSchemaV1): Validate {
  const toResult = (result: StandardResult<unknown>): ValidationResult =>
    result.issues ? { ok: false, issues: result.issues.map(toIssue) } : { ok: true, value: result.value }
  return (value) => {
    const result = schema['~standard'].validate(value)
    return result instanceof Promise ? result.then(toResult) : toResult(result)
  }
}

function toIssue(issue: { message: string; path?: ReadonlyArray<PropertyKey | { readonly key: PropertyKey }> | undefined }): ValidationIssue {
  const path = (issue.path ?? []).map((p) => {
    const key = typeof p === 'object' ? p.key : p
    return typeof key === 'number' ? key : String(key)
  })
  return { path, message: issue.message }
}

interface AjvInstance {
  compile(schema: object): ((value: unknown) => boolean) & { errors?: Array<{ instancePath: string; message?: string; params?: Record<string, unknown> }> | null }
}

let ajv: AjvInstance | undefined

function compileJsonSchema(schema: JsonSchema): Validate {
  if (!ajv) {
    const Ajv = require('ajv').default as new (o: object) => AjvInstance
    ajv = new Ajv({ allErrors: true, strict: false })
  }
  const check = ajv.compile(schema)
  return (value) => {
    if (check(value)) return { ok: true, value }
    const issues = (check.errors ?? []).map((e) => {
      const path = e.instancePath.split('/').filter(Boolean)
      const missing = e.params?.missingProperty
      if (typeof missing === 'string') path.push(missing)
      return { path, message: e.message ?? 'is invalid' }
    })
    return { ok: false, issues }
  }
}
