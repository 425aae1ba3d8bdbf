/**
 * The `daneel` command line: each subcommand lives in cli/commands/ and registers itself here.
 * Usage errors (unknown flags, missing arguments, bad choices) exit 64 (EX_USAGE); help and version exit 0.
 */
import { Command, CommanderError } from 'commander';
import { register as registerQuery } from './commands/query.js';
import { register as registerServe } from './commands/serve.js';
import { register as registerCheckConfig } from './commands/check-config.js';
import { register as registerDaneVerify } from './commands/dane-verify.js';
import { register as registerTlsaRecord } from './commands/tlsa-record.js';
import { register as registerTlsa } from './commands/tlsa.js';
import { register as registerVerify } from './commands/verify.js';
import { EXIT_USAGE } from './config.js';

export function buildProgram(): Command {
  const program = new Command('daneel')
    .description('a validating recursive DNS resolver for DANE (TLSA) lookups')
    .version('0.1.0')
    .showHelpAfterError('(add --help for usage)')
    .exitOverride(usageExit);
  registerQuery(program);
  registerServe(program);
  registerCheckConfig(program);
  registerDaneVerify(program);
  registerTlsaRecord(program);
  registerTlsa(program);
  registerVerify(program);
  // Subcommands inherit neither exitOverride nor output settings: apply them to each.
  for (const cmd of program.commands) cmd.exitOverride(usageExit);
  return program;
}

function usageExit(err: CommanderError): never {
  const ok = err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help';
  process.exit(ok ? 0 : EXIT_USAGE);
}

await buildProgram().parseAsync(process.argv);
