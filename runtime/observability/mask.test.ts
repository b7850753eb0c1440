import { describe, expect, test } from 'bun:test'
import { loadConfig } from '../config.ts'
import { checkMaskOptions, createMasker, MASKED } from './mask.ts'

describe('the built-in names', () => {
  const masker = createMasker()
  test('credential-like headers and query parameters, however they are spelled', () => {
    const secret = [
      'authorization', 'Proxy-Authorization', 'cookie', 'Set-Cookie', 'x-motia-token', 'X-Api-Key', 'x-auth-token', 'x-csrf-token',
      'X-XSRF-TOKEN', 'x-amz-security-token', 'x-goog-api-key', 'token', 'access_token', 'accessToken', 'accesstoken', 'refresh-token',
      'id_token', 'client_secret', 'clientSecret', 'password', 'new.password', 'passwd', 'pwd', 'api_key', 'apiKey', 'apikey', 'key',
      'session', 'sessionId', 'session_id', 'sessionid', 'PHPSESSID', 'JSESSIONID', 'connect.sid', 'sig', 'signature', 'X-Hub-Signature-256',
      'jwt', 'otp', 'auth', 'private_key', 'credentials',
    ]
    expect(secret.filter((name) => !masker.isSecret(name))).toEqual([])
  })

  test('leaves ordinary names alone, including ones that merely contain a credential word', () => {
    const plain = ['accept', 'content-type', 'user-agent', 'x-trace-id', 'host', 'origin', 'page', 'q', 'limit', 'keyword', 'keys-count', 'author', 'monkey', 'passenger', 'tokenizer', 'sigma', 'dry']
    expect(plain.filter((name) => masker.isSecret(name))).toEqual([])
  })
})

describe('masking values', () => {
  const masker = createMasker()
  test('replaces only the credentials, in a copy', () => {
    const headers = { authorization: 'Bearer abc', accept: 'application/json' }
    expect(masker.mask(headers)).toEqual({ authorization: MASKED, accept: 'application/json' })
    expect(headers.authorization).toBe('Bearer abc')
  })

  test('answers the same object when nothing is a credential (no copy per request)', () => {
    const query = { page: '2', q: 'shoes' }
    expect(masker.mask(query)).toBe(query)
  })

  test('a repeated query parameter (an array) is masked whole; a null-prototype object stays one', () => {
    const query: Record<string, unknown> = Object.assign(Object.create(null) as Record<string, unknown>, { token: ['a', 'b'], page: '1' })
    const masked = masker.mask(query)
    expect(masked.token).toBe(MASKED)
    expect(Object.getPrototypeOf(masked)).toBeNull()
  })
})

describe('mask in motia.config.ts', () => {
  test('names add words, RegExps test the whole name, defaults: false drops the built-in list', () => {
    const more = createMasker({ names: ['tenant-pin', 'PIN', /^x-internal-/i] })
    expect(['tenant-pin', 'pin', 'x-user-pin', 'X-Internal-Route', 'authorization'].every((n) => more.isSecret(n))).toBe(true)
    expect(more.isSecret('x-external-route')).toBe(false)
    const only = createMasker({ names: ['pin'], defaults: false })
    expect(only.isSecret('pin')).toBe(true)
    expect(only.isSecret('authorization')).toBe(false)
  })

  test('a global RegExp gives the same answer every time', () => {
    const masker = createMasker({ names: [/^x-tenant-/g], defaults: false })
    expect([1, 2, 3].map(() => masker.mask({ 'x-tenant-a': '1', 'x-tenant-b': '2' }))).toEqual(Array(3).fill({ 'x-tenant-a': MASKED, 'x-tenant-b': MASKED }))
  })

  test('bad options stop the start with one line naming the fix', async () => {
    for (const [value, message] of [
      ['all', 'mask must be an object'],
      [{ names: 'token' }, 'mask.names must be a list'],
      [{ names: [''] }, 'mask.names must be a list'],
      [{ names: [42] }, 'mask.names must be a list'],
      [{ defaults: 'no' }, 'mask.defaults must be true or false'],
    ] as const) {
      expect(() => checkMaskOptions(value, 'motia.config.ts')).toThrow(message)
    }
    await expect(loadConfig('/nowhere', {}, {}, { mask: { names: [7 as never] } })).rejects.toThrow(/^\[motia\] motia\.config\.ts: mask\.names must be a list .*e\.g\. mask: \{ names:/)
    expect((await loadConfig('/nowhere', {}, {}, { mask: { names: ['pin'] } })).mask.isSecret('pin')).toBe(true)
  })
})
