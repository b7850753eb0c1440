import { describe, expect, test } from 'bun:test'
import { hostname } from 'node:os'
import { createControlGuard, tokenCheck, type ControlPolicy } from './control-guard.ts'

const guard = (policy: Partial<ControlPolicy> = {}) => createControlGuard({ mode: 'dev', listenHost: '127.0.0.1', allowedHosts: [], ...policy })

/** The refusal's code, or 'ok'. */
async function verdict(check: ReturnType<typeof guard>, headers: Record<string, string>, method = 'GET'): Promise<string> {
  const refused = check(new Request('http://127.0.0.1:3111/__motia/api/state/g/k', { method, headers }))
  return refused ? `${refused.status} ${((await refused.json()) as { code: string }).code}` : 'ok'
}

describe('Host (DNS rebinding)', () => {
  test('a loopback motia dev answers localhost, loopback addresses and its own address only', async () => {
    const check = guard({ listenHost: '127.0.0.1' })
    for (const host of ['127.0.0.1:3111', 'localhost:3111', 'LOCALHOST', '[::1]:3111', 'app.localhost:3111', '127.0.0.2', 'localhost.:3111']) {
      expect(`${host} ${await verdict(check, { host })}`).toBe(`${host} ok`)
    }
    for (const host of ['attacker.example:3111', 'attacker.example', '192.168.1.20:3111', 'localhost.attacker.example', '127.0.0.1.nip.io', '', 'a b', '[::1', 'localhost:x']) {
      expect(`${host} ${await verdict(check, { host })}`).toBe(`${host} 403 FOREIGN_HOST`)
    }
  })

  test('beyond loopback it also answers any IP address and this machine\'s name, never another name', async () => {
    const check = guard({ listenHost: '0.0.0.0' })
    for (const host of ['192.168.1.20:3111', '10.0.0.7', '[fe80::1]:3111', '[::ffff:10.0.0.7]', `${hostname()}:3111`, 'localhost:3111']) {
      expect(`${host} ${await verdict(check, { host })}`).toBe(`${host} ok`)
    }
    // Names that only look like addresses are names: a rebinding page may own them.
    for (const host of ['rebind.attacker.example:3111', '256.1.1.1', '10.0.0', '01.2.3.4', '10.0.0.7.attacker.example', '[1::2::3]']) {
      expect(`${host} ${await verdict(check, { host })}`).toBe(`${host} 403 FOREIGN_HOST`)
    }
  })

  test('http.allowedHosts adds names; a leading dot adds the subdomains', async () => {
    const check = guard({ allowedHosts: ['devbox.lan', '.tunnel.example'] })
    for (const host of ['devbox.lan:3111', 'tunnel.example', 'abc.tunnel.example']) expect(`${host} ${await verdict(check, { host })}`).toBe(`${host} ok`)
    for (const host of ['other.lan', 'eviltunnel.example']) expect(`${host} ${await verdict(check, { host })}`).toBe(`${host} 403 FOREIGN_HOST`)
  })

  test('motia start checks the Host only when http.allowedHosts is set (its public name is a proxy\'s)', async () => {
    expect(await verdict(guard({ mode: 'start', listenHost: '0.0.0.0' }), { host: 'api.example.com' })).toBe('ok')
    const listed = guard({ mode: 'start', listenHost: '0.0.0.0', allowedHosts: ['api.example.com'] })
    expect(await verdict(listed, { host: 'api.example.com' })).toBe('ok')
    expect(await verdict(listed, { host: 'rebind.attacker.example' })).toBe('403 FOREIGN_HOST')
  })

  test('a request handled in-process, with no Host header, is judged by its URL', () => {
    expect(guard()(new Request('http://localhost/__motia/api'))).toBeUndefined()
    expect(guard()(new Request('http://attacker.example/__motia/api'))?.status).toBe(403)
  })
})

describe('cross-site requests', () => {
  const host = '127.0.0.1:3111'
  test('Sec-Fetch-Site must be same-origin or none', async () => {
    const check = guard()
    expect(await verdict(check, { host, 'sec-fetch-site': 'same-origin' })).toBe('ok')
    expect(await verdict(check, { host, 'sec-fetch-site': 'none' })).toBe('ok')
    for (const site of ['cross-site', 'same-site', 'weird']) expect(await verdict(check, { host, 'sec-fetch-site': site })).toBe('403 CROSS_SITE')
    // A matching Origin does not overrule the browser's own verdict.
    expect(await verdict(check, { host, 'sec-fetch-site': 'cross-site', origin: `http://${host}` })).toBe('403 CROSS_SITE')
  })

  test('without Sec-Fetch-Site, Origin must name the host the request went to', async () => {
    const check = guard()
    expect(await verdict(check, { host, origin: `http://${host}` })).toBe('ok')
    for (const origin of ['http://attacker.example', 'http://127.0.0.1:5173', 'null', 'not a url', `http://${host}.attacker.example`]) {
      expect(`${origin} ${await verdict(check, { host, origin })}`).toBe(`${origin} 403 CROSS_SITE`)
    }
    // Behind a proxy that rewrites Host, the name the browser used is in X-Forwarded-Host.
    const start = guard({ mode: 'start', listenHost: '0.0.0.0' })
    expect(await verdict(start, { host: '10.0.0.5:3111', 'x-forwarded-host': 'ops.example.com', origin: 'https://ops.example.com' })).toBe('ok')
    expect(await verdict(start, { host: '10.0.0.5:3111', 'x-forwarded-host': 'ops.example.com', origin: 'https://attacker.example' })).toBe('403 CROSS_SITE')
  })

  test('programs (no Origin, no Sec-Fetch-Site) pass', async () => {
    expect(await verdict(guard(), { host })).toBe('ok')
  })
})

describe('state-changing requests', () => {
  const host = '127.0.0.1:3111'
  test('need content-type: application/json, whatever the method', async () => {
    const check = guard()
    for (const method of ['POST', 'PUT', 'DELETE', 'PATCH']) {
      expect(await verdict(check, { host, 'content-type': 'application/json' }, method)).toBe('ok')
      expect(await verdict(check, { host, 'content-type': 'application/json; charset=utf-8' }, method)).toBe('ok')
      for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/jsonp', '']) {
        expect(`${method} ${type} ${await verdict(check, { host, 'content-type': type }, method)}`).toBe(`${method} ${type} 415 JSON_REQUIRED`)
      }
      expect(await verdict(check, { host }, method)).toBe('415 JSON_REQUIRED')
    }
    expect(await verdict(check, { host }, 'GET')).toBe('ok')
  })

  test('the refusal says what to send', async () => {
    const refused = guard()(new Request('http://127.0.0.1:3111/__motia/api/queues/purge', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{}' }))!
    expect(await refused.json()).toEqual({ error: 'POST /__motia/api/queues/purge needs the header content-type: application/json (got "text/plain")', code: 'JSON_REQUIRED' })
  })
})

describe('the token', () => {
  const request = (token?: string) => new Request('http://127.0.0.1:3111/__motia/traces', { headers: token === undefined ? {} : { 'x-motia-token': token } })
  test('is required when asked for, and only the exact token passes', () => {
    const check = tokenCheck('s3cret-token', 'under motia start')
    expect(check(request('s3cret-token'))).toBeUndefined()
    for (const wrong of [undefined, '', 's3cret-toke', 's3cret-tokem', 'S3CRET-TOKEN', 's3cret-token-and-more']) expect(`${wrong} ${check(request(wrong))?.status}`).toBe(`${wrong} 403`)
  })

  test('with no token to compare, the routes stay closed and say why', async () => {
    const refused = tokenCheck(undefined, 'under motia start')(request('anything'))!
    expect(refused.status).toBe(403)
    expect(((await refused.json()) as { error: string }).error).toContain('this server has no control token')
  })

  test('runs after the Host and cross-site checks, so a foreign page learns nothing from it', async () => {
    const check = guard({ token: tokenCheck('t', 'always') })
    expect(await verdict(check, { host: 'attacker.example', 'x-motia-token': 't' })).toBe('403 FOREIGN_HOST')
    expect(await verdict(check, { host: '127.0.0.1', 'sec-fetch-site': 'cross-site', 'x-motia-token': 't' })).toBe('403 CROSS_SITE')
    expect(await verdict(check, { host: '127.0.0.1' })).toBe('403 TOKEN_REQUIRED')
    expect(await verdict(check, { host: '127.0.0.1', 'x-motia-token': 't' })).toBe('ok')
  })
})
