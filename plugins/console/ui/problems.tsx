/**
 * The banner above every page while the project has load problems: each failing step or stream
 * file with its message and code frame, and the hints about files that look like steps but are
 * not loaded. It follows reloads, so fixing the file clears it.
 */
import { useEffect } from 'react'
import { useApi } from './hooks.ts'

interface Problems {
  errors: Array<{ file?: string; message: string; location?: { file: string; line: number; column: number } }>
  warnings: string[]
}

export function ProblemsBanner() {
  const { data, reload } = useApi<Problems>('/problems')
  useEffect(() => {
    const timer = setInterval(reload, 2000)
    return () => clearInterval(timer)
  }, [reload])
  if (!data || (data.errors.length === 0 && data.warnings.length === 0)) return null
  return (
    <section className="problems" aria-label="Load problems" data-testid="problems">
      {data.errors.length > 0 && (
        <h2>
          {data.errors.length} file{data.errors.length === 1 ? '' : 's'} failed to load
        </h2>
      )}
      {data.errors.map((error, i) => (
        <div key={i} className="problem" data-testid="problem">
          {error.location && (
            <div className="where">
              {error.location.file}:{error.location.line}:{error.location.column}
            </div>
          )}
          <pre>{error.message.replace(/^\[motia\] /, '')}</pre>
        </div>
      ))}
      {data.warnings.length > 0 && (
        <details open={data.errors.length === 0}>
          <summary>
            {data.warnings.length} hint{data.warnings.length === 1 ? '' : 's'}
          </summary>
          <ul>
            {data.warnings.map((warning, i) => (
              <li key={i} data-testid="hint">
                {warning.replace(/^\[motia\] /, '')}
              </li>
            ))}
          </ul>
        </details>
      )}
    </section>
  )
}
