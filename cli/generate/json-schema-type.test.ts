import { expect, test } from 'bun:test'
import { jsonSchemaType } from './json-schema-type.ts'

test('objects with required and optional fields, arrays, enums and nullable types', () => {
  expect(
    jsonSchemaType({
      type: 'object',
      properties: { id: { type: 'string' }, qty: { type: 'integer' }, tags: { type: 'array', items: { type: 'string' } }, kind: { enum: ['a', 'b'] }, note: { type: ['string', 'null'] } },
      required: ['id', 'qty'],
    }),
  ).toBe('{ "id": string; "qty": number; "tags"?: Array<string>; "kind"?: "a" | "b"; "note"?: string | null }')
})

test("pydantic's $defs and anyOf (Optional fields) resolve; a schema that refers to itself stops at unknown", () => {
  const schema = {
    $defs: { Item: { properties: { sku: { type: 'string' } }, required: ['sku'], title: 'Item', type: 'object' }, Node: { type: 'object', properties: { next: { $ref: '#/$defs/Node' } } } },
    properties: { items: { items: { $ref: '#/$defs/Item' }, type: 'array' }, coupon: { anyOf: [{ type: 'string' }, { type: 'null' }], default: null }, tree: { $ref: '#/$defs/Node' } },
    required: ['items'],
    type: 'object',
  }
  expect(jsonSchemaType(schema)).toBe('{ "items": Array<{ "sku": string }>; "coupon"?: (string | null); "tree"?: { "next"?: unknown } }')
})

test('what it cannot describe is unknown, never an error', () => {
  expect(jsonSchemaType({})).toBe('unknown')
  expect(jsonSchemaType({ $ref: 'https://example.com/s.json' })).toBe('unknown')
  expect(jsonSchemaType({ type: 'object' })).toBe('Record<string, unknown>')
  expect(jsonSchemaType({ type: 'object', additionalProperties: { type: 'number' } })).toBe('{ [key: string]: number }')
  expect(jsonSchemaType({ const: 'x' })).toBe('"x"')
})
