// SPDX-License-Identifier: Apache-2.0
/**
 * Bash completion generated from the commander program itself (commander has none built
 * in), so a new command completes without editing this file: commands, subcommands and
 * their long options; file names after `-f`/`--file`.
 */
import type { Command } from 'commander';

function words(c: Command): string[] {
  return [
    ...c.commands.map((s) => s.name()),
    ...c.options.map((o) => o.long).filter((l): l is string => l !== undefined),
  ];
}

export function bashCompletion(program: Command): string {
  const cases: string[] = [];
  for (const c of program.commands) {
    cases.push(`    "${c.name()}") opts="${words(c).join(' ')}" ;;`);
    for (const s of c.commands) {
      cases.push(`    "${c.name()} ${s.name()}") opts="${words(s).join(' ')} --help" ;;`);
    }
  }
  return `# bash completion for aio: eval "$(aio completion)"
_aio() {
  local cur prev path opts
  cur="\${COMP_WORDS[COMP_CWORD]}"
  prev="\${COMP_WORDS[COMP_CWORD-1]}"
  if [[ "$prev" == "-f" || "$prev" == "--file" || "$prev" == "--password-file" ]]; then
    COMPREPLY=( $(compgen -f -- "$cur") ); return
  fi
  path="\${COMP_WORDS[1]}"
  if (( COMP_CWORD > 2 )); then path="\${COMP_WORDS[1]} \${COMP_WORDS[2]}"; fi
  if (( COMP_CWORD == 1 )); then path=""; fi
  case "$path" in
    "") opts="${words(program).join(' ')} --help" ;;
${cases.join('\n')}
    *) opts="" ;;
  esac
  COMPREPLY=( $(compgen -W "$opts" -- "$cur") )
}
complete -F _aio aio`;
}
