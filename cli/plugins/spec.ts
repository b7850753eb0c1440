/**
 * What `motia plugin add <spec>` means by <spec>: a first-party short name (`mqtt`), an npm
 * package (`motia-plugin-x`, `@acme/x@1.2.0`, a `.tgz` file) or a local path (`./plugins/x.ts`).
 */
import { existsSync, statSync } from 'node:fs'
import { basename, isAbsolute, relative, resolve } from 'node:path'
import { UsageError } from '../errors.ts'
import pkg from '../../package.json' with { type: 'json' }

export interface PluginSpec {
  kind: 'first-party' | 'package' | 'path'
  /** What the config imports (`motia/plugins/mqtt`, `motia-plugin-x`, `./plugins/x.ts`). */
  importFrom: string
  /** What to hand the package manager; empty when nothing needs installing. */
  install: string[]
  /** A name for the import: `mqttPlugin`. */
  local: string
}

/** First-party plugins and the packages each loads at run time (installed by `add`). */
export const firstParty: Record<string, string[]> = {
  mqtt: ['mqtt'],
  amqp: ['amqplib'],
  otel: [
    '@opentelemetry/api',
    '@opentelemetry/api-logs',
    '@opentelemetry/resources',
    '@opentelemetry/sdk-trace-base',
    '@opentelemetry/sdk-logs',
    '@opentelemetry/exporter-trace-otlp-http',
    '@opentelemetry/exporter-logs-otlp-http',
  ],
}

/**
 * The options of first-party plugins that their docs read from the environment, with the value
 * used when the variable is unset: `add` writes them as `process.env.MQTT_URL ?? '<value>'`.
 */
export const firstPartyEnv: Record<string, Record<string, { variable: string; fallback: string }>> = {
  mqtt: { url: { variable: 'MQTT_URL', fallback: 'mqtt://localhost:1883' } },
  amqp: { url: { variable: 'AMQP_URL', fallback: 'amqp://localhost:5672' } },
  otel: { endpoint: { variable: 'OTEL_ENDPOINT', fallback: 'http://localhost:4318' } },
}

export async function parseSpec(spec: string, root: string): Promise<PluginSpec> {
  if (firstParty[spec]) {
    const deps = pkg.devDependencies as Record<string, string>
    return { kind: 'first-party', importFrom: `motia/plugins/${spec}`, install: firstParty[spec]!.map((name) => withRange(name, deps[name])), local: identifier(spec) }
  }
  const path = resolve(root, spec)
  if (/\.(tgz|tar\.gz)$/.test(spec)) {
    if (!existsSync(path)) throw new UsageError(`[motia] ${spec}: no such file; give the path of a package tarball (npm pack makes one)`)
    const name = await tarballName(path)
    return { kind: 'package', importFrom: name, install: [path], local: identifier(name) }
  }
  if (spec.startsWith('.') || isAbsolute(spec)) {
    if (!existsSync(path)) throw new UsageError(`[motia] ${spec}: no such file or folder (${path}); give the path of a plugin module, e.g. ./plugins/my-plugin.ts`)
    let file: string
    try {
      file = Bun.resolveSync(statSync(path).isDirectory() ? `./${relative(root, path)}` : path, root)
    } catch {
      throw new UsageError(`[motia] ${spec}: a folder without index.ts or package.json; give the plugin's file`)
    }
    const rel = relative(root, file).replace(/\\/g, '/')
    return { kind: 'path', importFrom: rel.startsWith('.') ? rel : `./${rel}`, install: [], local: identifier(basename(file).replace(/\.[cm]?[jt]s$/, '').replace(/^index$/, basename(path))) }
  }
  const match = /^((?:@[a-z0-9][\w.-]*\/)?[a-z0-9][\w.-]*)(?:@.+)?$/.exec(spec)
  if (!match) {
    throw new UsageError(`[motia] "${spec}" is no plugin spec: use a first-party name (${Object.keys(firstParty).join(', ')}), an npm package name, a .tgz file or a path starting with ./`)
  }
  return { kind: 'package', importFrom: match[1]!, install: [spec], local: identifier(match[1]!) }
}

/** `motia-plugin-webhook` → `webhookPlugin`, `@acme/queue-tools` → `queueToolsPlugin`. */
export function identifier(name: string): string {
  const last = name.split('/').pop()!.replace(/^motia-plugin-|-?motia-?/g, '') || 'custom'
  const camel = last.replace(/[^a-zA-Z0-9]+(.)/g, (_, c: string) => c.toUpperCase()).replace(/[^a-zA-Z0-9]/g, '')
  const base = /^[0-9]/.test(camel) ? `p${camel}` : camel
  return base.endsWith('Plugin') ? base : `${base}Plugin`
}

// --- internal ---

function withRange(name: string, range: string | undefined): string {
  return range ? `${name}@${range}` : name
}

async function tarballName(file: string): Promise<string> {
  const proc = Bun.spawn(['tar', '-xzOf', file, 'package/package.json'], { stdout: 'pipe', stderr: 'pipe' })
  const [out, code] = await Promise.all([new Response(proc.stdout).text(), proc.exited])
  try {
    const { name } = JSON.parse(out) as { name?: unknown }
    if (code === 0 && typeof name === 'string') return name
  } catch {
    // fall through to the error below
  }
  throw new UsageError(`[motia] ${file} is not an npm package tarball (no package/package.json with a name inside)`)
}
