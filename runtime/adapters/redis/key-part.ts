/**
 * A user-chosen name (a state group, a stream or a stream group) as one part of a Redis key: a
 * JSON string literal. It is self-delimiting — it opens and closes with `"`, and any `"`, `\` or
 * control character inside is escaped — so what follows it (`:items`, `:order`, another part) can
 * never be read as part of the name, and `x:order` stays a name, not another key's suffix. JSON
 * also escapes lone surrogates, so even names that are not well-formed text keep distinct keys.
 *
 * @example
 * `${prefix}state:${keyPart('orders:2024')}` // motia:shop:state:"orders:2024"
 */
export function keyPart(name: string): string {
  return JSON.stringify(name)
}
