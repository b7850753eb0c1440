/**
 * The TypeScript type a literal JSON Schema describes, as json-schema-to-ts's `FromSchema` reads
 * one (the keywords steps use: `type`, `properties`, `required`, `additionalProperties`, `items`,
 * `enum`, `const`, `anyOf`, `oneOf`, `nullable`), so `bodySchema: { type: 'object', … } as const`
 * types the handler's body as in Motia. A schema whose keywords were widened (written without
 * `as const`) gives `unknown`, as before; a typed `jsonSchema(zodSchema)` carries its zod type.
 * Type-only: nothing here runs.
 */

/** Set by `jsonSchema(zodSchema)`: the type of the zod schema the JSON Schema was made from. */
export declare const schemaType: unique symbol

/** A JSON Schema that carries the type it validates (`jsonSchema(zodSchema)`). */
export interface TypedJsonSchema<T> {
  readonly [schemaType]?: T
}

/** The type of a literal JSON Schema; `unknown` when nothing literal is left to read. */
export type FromJsonSchema<S> = S extends TypedJsonSchema<infer T> ? (unknown extends T ? FromKeywords<S> : T) : FromKeywords<S>

// --- internal ---

type FromKeywords<S> = S extends { readonly const: infer C }
  ? C
  : S extends { readonly enum: readonly (infer E)[] }
    ? E
    : S extends { readonly anyOf: readonly (infer U)[] }
      ? FromJsonSchema<U>
      : S extends { readonly oneOf: readonly (infer U)[] }
        ? FromJsonSchema<U>
        : S extends { readonly type: infer T }
          ? Nullable<S, T extends readonly (infer U)[] ? FromType<S, U> : FromType<S, T>>
          : unknown

type Nullable<S, T> = S extends { readonly nullable: true } ? T | null : T

type FromType<S, T> = T extends 'string'
  ? string
  : T extends 'number' | 'integer'
    ? number
    : T extends 'boolean'
      ? boolean
      : T extends 'null'
        ? null
        : T extends 'array'
          ? S extends { readonly items: infer I } ? FromJsonSchema<I>[] : unknown[]
          : T extends 'object'
            ? ObjectOf<S>
            : unknown

type RequiredOf<S> = S extends { readonly required: readonly (infer R)[] } ? R : never

type Flatten<T> = { [K in keyof T]: T[K] } & {}

type ObjectOf<S> = S extends { readonly properties: infer P }
  ? Flatten<
      { -readonly [K in keyof P as K extends RequiredOf<S> ? K : never]: FromJsonSchema<P[K]> } & {
        -readonly [K in keyof P as K extends RequiredOf<S> ? never : K]?: FromJsonSchema<P[K]>
      } & ExtraOf<S>
    >
  : ExtraOf<S>

/** `additionalProperties` is true unless said otherwise, as in JSON Schema. */
type ExtraOf<S> = S extends { readonly additionalProperties: false }
  ? {}
  : S extends { readonly additionalProperties: infer A extends object }
    ? { [key: string]: FromJsonSchema<A> }
    : { [key: string]: unknown }
