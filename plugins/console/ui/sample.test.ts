/**
 * The Endpoints form's sample body passes the schema it was made from: zod schemas as the console
 * sends them (JSON Schema, through `toJsonSchema`), checked by the runtime's own validator.
 */
import { describe, expect, test } from 'bun:test'
import { z } from 'zod'
import { compileSchema, toJsonSchema, type JsonSchema as RuntimeJsonSchema } from 'motia'
import type { JsonSchema } from './api.ts'
import { sampleOf } from './sample.ts'

const passes = async (schema: Parameters<typeof compileSchema>[0], sample: unknown) => {
  const result = await compileSchema(schema)(sample)
  return result.ok ? [] : result.issues
}

const fromZod = (schema: z.ZodType) => toJsonSchema(schema as never, { io: 'input' }) as JsonSchema

describe('sampleOf', () => {
  const cases: Array<[string, z.ZodType]> = [
    ['required fields, lengths and integer ranges', z.object({ item: z.string().min(3).max(10), quantity: z.number().int().min(1).max(5), note: z.string().optional() })],
    ['enums, literals and booleans', z.object({ size: z.enum(['s', 'm', 'l']), kind: z.literal('order'), gift: z.boolean() })],
    ['formats', z.object({ email: z.email(), id: z.uuid(), site: z.url(), at: z.iso.datetime(), day: z.iso.date(), ip: z.ipv4() })],
    ['exclusive bounds and multiples', z.object({ price: z.number().positive().multipleOf(0.25), score: z.number().gt(10).lt(11), count: z.number().int().multipleOf(7).min(20) })],
    ['nested objects and arrays with a minimum count', z.object({ customer: z.object({ name: z.string().min(2), address: z.object({ city: z.string(), zip: z.string().regex(/^\d+$/) }) }), lines: z.array(z.object({ sku: z.string().min(4), qty: z.number().int().positive() })).min(2) })],
    ['unions, nullables and tuples', z.object({ pay: z.union([z.object({ card: z.string().length(16) }), z.object({ iban: z.string() })]), ref: z.string().min(5).nullable(), pair: z.tuple([z.string(), z.number()]) })],
    ['defaults', z.object({ currency: z.string().default('EUR'), tags: z.array(z.string().min(1)).default([]) })],
  ]
  for (const [name, schema] of cases) {
    test(`passes its zod schema: ${name}`, async () => {
      const sample = sampleOf(fromZod(schema))
      expect(await passes(schema as never, sample)).toEqual([])
    })
  }

  test('follows $ref into $defs (a recursive schema) and passes it as JSON Schema', async () => {
    const schema = {
      type: 'object',
      required: ['root'],
      properties: { root: { $ref: '#/$defs/Node' } },
      $defs: { Node: { type: 'object', required: ['label'], properties: { label: { type: 'string', minLength: 2 }, children: { type: 'array', items: { $ref: '#/$defs/Node' } } } } },
    }
    const sample = sampleOf(schema as JsonSchema) as { root: { label: unknown } }
    expect(await passes(schema as RuntimeJsonSchema, sample)).toEqual([])
    // (bun's toMatchObject writes its asymmetric matchers into the object it checks: asserted last.)
    expect(typeof sample.root.label).toBe('string')
  })

  test('fills every property, with values that read as examples', () => {
    expect(sampleOf(fromZod(z.object({ item: z.string(), quantity: z.number().int().min(1), email: z.email() })))).toEqual({ item: 'item', quantity: 1, email: 'ada@example.com' })
  })
})
