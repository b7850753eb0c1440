import { app } from './app.ts'
import { stats } from './orders.ts'

// Every minute, logs how many orders were recorded so far.
setInterval(() => console.info('order report', { recorded: stats.count }), 60_000)

app.listen(Number(process.env.PORT ?? 3000))
