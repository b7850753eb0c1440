import { describe, expect, test } from 'bun:test'
import { originAllowed } from './upgrade.ts'

const upgrade = (host: string, extra: Record<string, string> = {}) => new Request(`http://${host}/`, { headers: { host, ...extra } })

describe('originAllowed (the default rule)', () => {
  test('a page of the host the request was sent to', () => {
    expect(originAllowed('https://app.example.com', upgrade('app.example.com'), undefined)).toBe(true)
    expect(originAllowed('http://app.example.com:8080', upgrade('APP.example.com:8080'), undefined)).toBe(true)
    expect(originAllowed('http://app.example.com:8081', upgrade('app.example.com:8080'), undefined)).toBe(false)
  })

  test('behind a proxy, the forwarded host counts (a page cannot set it on a WebSocket)', () => {
    expect(originAllowed('https://app.example.com', upgrade('127.0.0.1:3111', { 'x-forwarded-host': 'app.example.com, proxy.internal' }), undefined)).toBe(true)
  })

  test('a page on this machine, only when the server is reached on this machine', () => {
    for (const page of ['http://localhost:5173', 'http://127.0.0.1:8080', 'http://[::1]:3000']) {
      expect(originAllowed(page, upgrade('localhost:3111'), undefined)).toBe(true)
      expect(originAllowed(page, upgrade('127.0.0.1:3111'), undefined)).toBe(true)
      expect(originAllowed(page, upgrade('app.example.com'), undefined)).toBe(false)
    }
  })

  test('foreign, opaque and malformed origins are refused', () => {
    for (const page of ['https://evil.example', 'null', 'file://', 'chrome-extension://abc', 'not a url', 'https://app.example.com.evil.example']) {
      expect(originAllowed(page, upgrade('app.example.com'), undefined)).toBe(false)
    }
  })
})

describe('originAllowed with allowedOrigins', () => {
  test('a list adds origins to the same-origin rule and ends the loopback one', () => {
    const allowed = ['https://app.example.com']
    expect(originAllowed('https://app.example.com', upgrade('api.example.com'), allowed)).toBe(true)
    expect(originAllowed('https://api.example.com', upgrade('api.example.com'), allowed)).toBe(true)
    expect(originAllowed('https://evil.example', upgrade('api.example.com'), allowed)).toBe(false)
    expect(originAllowed('http://localhost:5173', upgrade('localhost:3111'), allowed)).toBe(false)
  })

  test("'*' admits every page", () => {
    expect(originAllowed('https://evil.example', upgrade('api.example.com'), '*')).toBe(true)
    expect(originAllowed('null', upgrade('api.example.com'), '*')).toBe(true)
  })
})
