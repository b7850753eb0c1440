// The example project that tries the plugin out: `bun run dev`, then
//   curl -X POST localhost:3111/webhooks/github -H 'x-webhook-token: <token>' -d '{"ref":"main"}'
import { defineConfig } from 'motia'
import { webhookPlugin } from './src/index.ts'

export default defineConfig({
  plugins: [webhookPlugin({ token: process.env.WEBHOOK_TOKEN ?? 'change-me-to-a-long-secret' })],
})
