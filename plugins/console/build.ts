/**
 * Builds the console's UI into one file, `dist/console.html` (script and styles inlined), which
 * ships in the package: `motia dev` serves it as it is, with no bundling at start and no CDN.
 * Run with `npm run build:console` after changing anything under `ui/`.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const here = import.meta.dir
const out = mkdtempSync(join(tmpdir(), 'motia-console-'))
try {
  const result = await Bun.build({
    entrypoints: [join(here, 'ui/main.tsx')],
    outdir: out,
    minify: true,
    target: 'browser',
    define: { 'process.env.NODE_ENV': '"production"' },
    naming: '[name].[ext]',
  })
  if (!result.success) {
    for (const log of result.logs) console.error(log)
    process.exit(1)
  }
  // Started before the app's script is parsed: the token check and, when the first page is Flows,
  // the graph, so that they arrive while the script is compiled (ui/api.ts uses each once).
  const early = `window.__motiaEarly=(()=>{const t=localStorage.getItem('motia-console-token'),headers=t?{'x-motia-token':t}:{},get=(p)=>fetch('/__motia/api'+p,{headers}),early={'':get('')};if(/^(#\\/?(flows(\\/.*)?)?)?$/.test(location.hash))early['/flows']=get('/flows');return early})()`
  const files = readdirSync(out)
  const read = (ext: string) => files.filter((f) => f.endsWith(ext)).map((f) => readFileSync(join(out, f), 'utf8')).join('\n')
  // `</script` inside the bundle would end the inline script early.
  const script = read('.js').replaceAll('</script', '<\\/script')
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Motia console</title>
<link rel="icon" href="data:,">
<style>${read('.css')}</style>
<script>${early}</script>
</head>
<body>
<div id="root"></div>
<script type="module">${script}</script>
</body>
</html>
`
  writeFileSync(join(here, 'dist/console.html'), html)
  console.log(`dist/console.html: ${(html.length / 1024).toFixed(0)} KiB (${(Bun.gzipSync(html).length / 1024).toFixed(0)} KiB gzipped)`)
} finally {
  rmSync(out, { recursive: true, force: true })
}
