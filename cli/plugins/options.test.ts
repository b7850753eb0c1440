import { expect, test } from 'bun:test'
import { addPlugin, newConfigSource } from './config-edit.ts'
import { parseOptions } from './options.ts'

test('dotted keys build nested objects and values parse as JSON when they can', () => {
  expect(parseOptions(['url=mqtt://h:1883', 'tls.rejectUnauthorized=false', 'tls.ca=ca.pem', '{"qos":1}'])).toEqual({
    url: 'mqtt://h:1883',
    tls: { rejectUnauthorized: false, ca: 'ca.pem' },
    qos: 1,
  })
})

test('no option name reaches a prototype, and nothing is polluted on the way', () => {
  for (const option of ['__proto__.x=1', 'a.constructor.prototype.x=1', 'prototype=1', 'a={"b":{"__proto__":{"x":1}}}', '{"constructor":{"prototype":{"x":1}}}']) {
    expect(() => parseOptions([option])).toThrow(`[motia] --option ${option}: "`)
  }
  expect(Object.keys(Object.prototype)).toEqual([])
})

test('a key path through a value that is not an object is refused, not silently dropped', () => {
  expect(() => parseOptions(['a=1', 'a.b=2'])).toThrow('[motia] --option a.b=2: a is already 1, not an object: give it one value')
})

test('the config editor refuses options with a __proto__ key from any caller', () => {
  const options = JSON.parse('{"__proto__":{"x":1}}') as Record<string, unknown>
  expect(() => addPlugin(newConfigSource, { importFrom: './p.ts', exportName: 'default', local: 'p', options })).toThrow('the options of ./p.ts: "__proto__" cannot be an option name')
})
