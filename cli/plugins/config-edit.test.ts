import { expect, test } from 'bun:test'
import { addPlugin, listPlugins, newConfigSource, removePlugin } from './config-edit.ts'
import { identifier } from './spec.ts'

const mqtt = { importFrom: 'motia/plugins/mqtt', exportName: 'default', local: 'mqttPlugin', options: { url: 'mqtt://a:1883' } }
const audit = { importFrom: './plugins/audit.ts', exportName: 'auditPlugin', local: 'auditPlugin', options: undefined }

const handWritten = `// project settings
import { defineConfig } from 'motia'
import { otherPlugin } from './plugins/other.ts'

export default defineConfig({
  http: { port: 4000 }, // the port
  plugins: [otherPlugin],
})
`

test('adds the import and the entry, keeping comments and other entries', () => {
  const out = addPlugin(handWritten, mqtt)
  expect(out).toContain("import mqttPlugin from 'motia/plugins/mqtt'")
  expect(out).toContain('// project settings')
  expect(out).toContain('http: { port: 4000 }, // the port')
  expect(listPlugins(out).map((e) => [e.local, e.importFrom])).toEqual([
    ['otherPlugin', './plugins/other.ts'],
    ['mqttPlugin', 'motia/plugins/mqtt'],
  ])
})

test('adding again is a no-op; new options replace the entry in place', () => {
  const once = addPlugin(handWritten, mqtt)
  expect(addPlugin(once, mqtt)).toBe(once)
  const changed = addPlugin(once, { ...mqtt, options: { url: 'mqtt://b:1883' } })
  expect(changed).toContain("url: 'mqtt://b:1883'")
  expect(changed).not.toContain('mqtt://a:1883')
  expect(listPlugins(changed)).toHaveLength(2)
})

test('a plain plugin object is listed by name; a factory without options is called with none', () => {
  const out = addPlugin(addPlugin(newConfigSource, audit), { ...mqtt, options: {} })
  expect(out).toContain('plugins: [auditPlugin, mqttPlugin()]')
})

test('a name already taken in the file gets a number', () => {
  const taken = `import { defineConfig } from 'motia'\nconst mqttPlugin = 1\nexport default defineConfig({})\n`
  expect(addPlugin(taken, mqtt)).toContain("import mqttPlugin2 from 'motia/plugins/mqtt'")
})

test('remove takes out the entry and its import; an emptied plugins list goes too', () => {
  const both = addPlugin(addPlugin(newConfigSource, mqtt), audit)
  const one = removePlugin(both, 0)
  expect(one).not.toContain('motia/plugins/mqtt')
  expect(listPlugins(one).map((e) => e.local)).toEqual(['auditPlugin'])
  expect(removePlugin(one, 0)).toBe(newConfigSource)
  expect(removePlugin(addPlugin(handWritten, mqtt), 1)).toBe(handWritten)
})

test('an import still used elsewhere stays', () => {
  const shared = `import { defineConfig } from 'motia'\nimport mqttPlugin from 'motia/plugins/mqtt'\nexport const client = mqttPlugin\nexport default defineConfig({ plugins: [mqttPlugin()] })\n`
  expect(removePlugin(shared, 0)).toContain("import mqttPlugin from 'motia/plugins/mqtt'")
})

test('configs it cannot edit are refused with the reason', () => {
  expect(() => addPlugin('export default {', mqtt)).toThrow('motia.config.ts does not parse')
  expect(() => addPlugin(`const plugins = []\nexport default { plugins }\n`, mqtt)).toThrow('not an array literal')
})

test('identifiers come from package names', () => {
  expect(identifier('mqtt')).toBe('mqttPlugin')
  expect(identifier('motia-plugin-webhook')).toBe('webhookPlugin')
  expect(identifier('@acme/queue-tools')).toBe('queueToolsPlugin')
  expect(identifier('audit-plugin')).toBe('auditPlugin')
})

test("keeps the file's style: double quotes, semicolons and four spaces stay; no blank line between imports", () => {
  const styled = `import { defineConfig } from "motia";\n\nexport default defineConfig({\n    http: { port: 4000 },\n});\n`
  const out = addPlugin(styled, mqtt)
  expect(out).toBe(`import { defineConfig } from "motia";\nimport mqttPlugin from "motia/plugins/mqtt";\n\nexport default defineConfig({\n    http: { port: 4000 },\n    plugins: [mqttPlugin({\n        url: "mqtt://a:1883",\n    })],\n});\n`)
})

test("keeps the file's style: single quotes and no semicolons stay so", () => {
  const out = addPlugin(`import { defineConfig } from 'motia'\n\nexport default defineConfig({\n  http: { port: 4000 },\n})\n`, mqtt)
  expect(out).toContain(`import { defineConfig } from 'motia'\nimport mqttPlugin from 'motia/plugins/mqtt'\n`)
  expect(out).not.toContain(';')
})

test('options a first-party plugin reads from the environment are written as its docs show', () => {
  const env = { url: { variable: 'MQTT_URL', fallback: 'mqtt://localhost:1883' } }
  expect(addPlugin(newConfigSource, { ...mqtt, options: {}, env })).toContain(`mqttPlugin({\n    url: process.env.MQTT_URL ?? 'mqtt://localhost:1883'\n  })`)
  expect(addPlugin(newConfigSource, { ...mqtt, env })).toContain(`url: process.env.MQTT_URL ?? 'mqtt://a:1883'`)
  const doubled = `import { defineConfig } from "motia";\n\nexport default defineConfig({});\n`
  expect(addPlugin(doubled, { ...mqtt, env })).toContain(`url: process.env.MQTT_URL ?? "mqtt://a:1883"`)
})
