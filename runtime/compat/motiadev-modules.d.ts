/**
 * Types of the `@motiadev/*` packages a Motia project imports, for a project that has only `motia`
 * installed (the runtime provides the modules themselves: runtime/compat/config.ts). Referenced by
 * the `motia` entry, so any file that imports `motia` brings them into the compilation.
 */
declare module '@motiadev/core' {
  export * from 'motia'
}

// Motia's Workbench plugins (`@motiadev/plugin-endpoint/plugin`, `@motiadev/cron-plugin/plugin`, …).
declare module '@motiadev/plugin-*' {
  const plugin: import('motia').MotiaWorkbenchPlugin
  export default plugin
}
declare module '@motiadev/cron-plugin*' {
  const plugin: import('motia').MotiaWorkbenchPlugin
  export default plugin
}
declare module '@motiadev/ws-plugin*' {
  const plugin: import('motia').MotiaWorkbenchPlugin
  export default plugin
}
declare module '@motiadev/workbench-endpoint*' {
  const plugin: import('motia').MotiaWorkbenchPlugin
  export default plugin
}
