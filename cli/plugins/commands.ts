/**
 * `motia <command>` for commands that plugins add (see `PluginCommand`). Loaded only when the
 * first argument is not a built-in command, so the config is imported only when it must be.
 */
import type { Command } from 'commander'
import { loadConfig } from '../../runtime/config.ts'
import { UsageError } from '../errors.ts'

/** Adds every configured plugin's commands to `program`; a clash with a built-in one is refused. */
export async function addPluginCommands(program: Command, root: string): Promise<void> {
  const config = await loadConfig(root)
  const taken = new Set(program.commands.map((command) => command.name()))
  for (const plugin of config.plugins) {
    for (const command of plugin.commands ?? []) {
      if (taken.has(command.name)) {
        throw new UsageError(`[motia] plugin "${plugin.name}" adds the command "${command.name}", which already exists: rename it in the plugin`)
      }
      taken.add(command.name)
      program
        .command(command.name)
        .description(`${command.description} (plugin ${plugin.name})`)
        .argument('[args...]', command.usage ?? 'arguments')
        .allowUnknownOption()
        .allowExcessArguments()
        .action(async (args: string[]) => {
          await command.run(args, { root, config, log: (line) => process.stdout.write(`${line}\n`) })
        })
    }
  }
}
