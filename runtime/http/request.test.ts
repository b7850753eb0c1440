import { describe, expect, test } from 'bun:test'
import { createBodyPolicy, headersOf, isJsonType, jsonOnly, mediaType, parseQuery, readBody } from './request.ts'

describe('mediaType', () => {
  test('drops parameters and case', () => {
    expect(mediaType('Application/JSON; charset=utf-8')).toBe('application/json')
    expect(mediaType('text/plain;charset=json')).toBe('text/plain')
  })

  test('is undefined for an absent or malformed header', () => {
    for (const header of [null, '', 'json', 'application/', '/json', 'a/b/c', 'text plain/x']) expect(mediaType(header)).toBeUndefined()
  })
})

test('JSON types are application/json and the +json family, nothing that merely mentions json', () => {
  expect(['application/json', 'application/problem+json', 'application/vnd.api+json'].every(isJsonType)).toBe(true)
  expect(['text/json', 'text/plain', 'application/jsonp', 'application/x-json-stream'].some(isJsonType)).toBe(false)
})

test('a body policy matches exact types, families and anything', () => {
  const policy = createBodyPolicy(['application/json', 'text/*'])
  expect(['application/json', 'application/ld+json', 'text/csv', 'text/plain'].every(policy.accepts)).toBe(true)
  expect(['application/xml', 'application/x-www-form-urlencoded', 'textual/x'].some(policy.accepts)).toBe(false)
  expect(createBodyPolicy(['*/*']).accepts('image/png')).toBe(true)
  expect(jsonOnly.accepts('application/x-www-form-urlencoded')).toBe(false)
})

describe('readBody', () => {
  const post = (body: string, type?: string) =>
    new Request('http://localhost/x', { method: 'POST', body, headers: type === undefined ? {} : { 'content-type': type } })

  test('parses JSON, refuses other types with 415 and bad JSON with 400', async () => {
    expect(await readBody(post('{"a":1}', 'application/json'), jsonOnly)).toEqual({ body: { a: 1 } })
    const refused = (await readBody(post('{"a":1}', 'text/plain;charset=json'), jsonOnly)) as Response
    expect(refused.status).toBe(415)
    expect(((await readBody(post('{', 'application/json'), jsonOnly)) as Response).status).toBe(400)
  })

  test('an empty body is undefined, whatever its type', async () => {
    expect(await readBody(post('', 'image/png'), jsonOnly)).toEqual({ body: undefined })
  })

  test('a JSON body keeps "__proto__" as an own key, never as a prototype', async () => {
    const result = (await readBody(post('{"__proto__":{"polluted":true}}', 'application/json'), jsonOnly)) as { body: Record<string, unknown> }
    expect(Object.keys(result.body)).toEqual(['__proto__'])
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })
})

test('parseQuery keeps a single value a string, repeats as an array, and every name an own key', () => {
  const query = parseQuery('a=1&b=2&b=3&b=4&__proto__=x&constructor=y&valueOf=z')
  expect(Object.getPrototypeOf(query)).toBeNull()
  expect(Object.entries(query)).toEqual([
    ['a', '1'],
    ['b', ['2', '3', '4']],
    ['__proto__', 'x'],
    ['constructor', 'y'],
    ['valueOf', 'z'],
  ])
  expect(Object.getPrototypeOf({})).toBe(Object.prototype)
  expect(parseQuery('missing').missing).toBe('')
  expect(parseQuery('').constructor).toBeUndefined()
})

test('headersOf keeps a header named __proto__ and inherits nothing', () => {
  const headers = headersOf(new Headers([['__proto__', 'p'], ['constructor', 'c'], ['x-a', '1']]))
  expect(Object.getPrototypeOf(headers)).toBeNull()
  expect(Object.entries(headers).sort()).toEqual([['__proto__', 'p'], ['constructor', 'c'], ['x-a', '1']])
  expect(headersOf(new Headers()).toString).toBeUndefined()
})
