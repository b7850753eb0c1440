import { expect, test } from 'bun:test'
import { ConfigError } from '../errors.ts'
import { defaultStreamLimits, resolveStreamLimits } from './limits.ts'

test('defaults: 4 MiB buffered, 1000 subscriptions, 200 joins a second, the default origin rule', () => {
  expect(resolveStreamLimits(undefined, 'motia.config.ts')).toEqual(defaultStreamLimits)
  expect(defaultStreamLimits).toEqual({ maxBufferedBytes: 4 * 1024 * 1024, maxSubscriptions: 1000, joinsPerSecond: 200 })
})

test('origins are normalized; "*" is kept', () => {
  expect(resolveStreamLimits({ allowedOrigins: ['https://App.Example.com/', 'http://localhost:5173'] }, 'm.ts').allowedOrigins).toEqual(['https://app.example.com', 'http://localhost:5173'])
  expect(resolveStreamLimits({ allowedOrigins: '*', maxSubscriptions: 5 }, 'm.ts')).toMatchObject({ allowedOrigins: '*', maxSubscriptions: 5 })
})

test('a wrong value is one line naming the option, the file and the fix', () => {
  const cases: Array<[unknown, RegExp]> = [
    [{ maxSubscriptions: 0 }, /^\[motia\] motia\.config\.ts: streams\.maxSubscriptions must be a whole number of at least 1, got 0$/],
    [{ joinsPerSecond: '10' }, /^\[motia\] motia\.config\.ts: streams\.joinsPerSecond must be a whole number of at least 1, got "10"$/],
    [{ allowedOrigins: 'https://a.example' }, /allowedOrigins must be '\*' or a list of origins, e\.g\. allowedOrigins: \['https:\/\/app\.example\.com'\]/],
    [{ allowedOrigins: ['https://a.example/app'] }, /allowedOrigins: "https:\/\/a\.example\/app" is not an origin \(http\(s\):\/\/host\[:port\], no path\)/],
    [{ allowedOrigins: ['a.example'] }, /"a\.example" is not an origin/],
    [{ allowedOrigins: ['null'] }, /"null" is not an origin/],
    [{ allowedOrigins: ['file:///x'] }, /"file:\/\/\/x" is not an origin/],
  ]
  for (const [options, message] of cases) {
    const error = (() => {
      try {
        resolveStreamLimits(options as never, 'motia.config.ts')
      } catch (e) {
        return e
      }
    })()
    expect(error).toBeInstanceOf(ConfigError)
    expect((error as Error).message).toMatch(message)
    expect((error as Error).message).not.toContain('\n')
  }
})
