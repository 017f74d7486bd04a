// platform/windows/command-line: argv to one CreateProcessW command line, and back.
//
// Windows passes a process one string; the child's C runtime (or CommandLineToArgvW) splits it.
// The quoting here is the inverse of that split (docs/reference.md#windows-restricted-token), and `splitWindowsCommandLine`
// is the split itself, so tests can check the round trip. May import errors only.

import { UsageError } from '../../errors';

/** CreateProcessW's limit on lpCommandLine, in UTF-16 code units, including the final NUL. */
export const MAX_COMMAND_LINE_CHARS = 32_767;

/** Quotes one argument so that CommandLineToArgvW gives it back unchanged. */
export function quoteWindowsArg(arg: string): string {
  if (arg !== '' && !/[ \t\n\r\v"]/.test(arg)) return arg;
  let out = '"';
  let backslashes = 0;
  for (const ch of arg) {
    if (ch === '\\') {
      backslashes += 1;
      continue;
    }
    if (ch === '"') {
      // Backslashes before a quote are escapes: double them, then escape the quote itself.
      out += '\\'.repeat(backslashes * 2 + 1) + '"';
    } else {
      out += '\\'.repeat(backslashes) + ch;
    }
    backslashes = 0;
  }
  // The closing quote follows, so trailing backslashes are doubled too.
  out += '\\'.repeat(backslashes * 2);
  return `${out}"`;
}

/**
 * Joins argv into one command line, refusing one CreateProcessW would reject (ERROR_FILENAME_
 * EXCED_RANGE, os error 206) before anything is set up. The program name (argv[0]) is quoted by
 * the same rules: the CRT parses it the same way when it has no quotes inside.
 */
export function buildWindowsCommandLine(argv: readonly string[]): string {
  if (argv.length === 0) {
    throw new UsageError('no command given to run in the Windows sandbox; pass the command after --');
  }
  if (argv[0].includes('"')) {
    throw new UsageError(`program name ${JSON.stringify(argv[0])} contains a double quote, which Windows cannot pass in a command line; rename the program`, {
      value: argv[0],
      path: ['command', 0],
    });
  }
  const line = argv.map(quoteWindowsArg).join(' ');
  // String length counts UTF-16 code units, as CreateProcessW does; +1 for the final NUL.
  if (line.length + 1 > MAX_COMMAND_LINE_CHARS) {
    throw new UsageError(`command line is ${line.length + 1} UTF-16 units long, over the Windows limit of ${MAX_COMMAND_LINE_CHARS}; pass long input through a file or stdin`, {
      value: line,
      path: ['command'],
      details: { length: line.length + 1, limit: MAX_COMMAND_LINE_CHARS },
    });
  }
  return line;
}

/**
 * Splits a command line the way CommandLineToArgvW does for arguments after the first (the
 * 2008+ CRT rules: 2n backslashes + quote give n backslashes and toggle quoting; 2n+1 give n and
 * a literal quote; `""` inside quotes is a literal quote). Used by tests as the oracle.
 */
export function splitWindowsCommandLine(line: string): string[] {
  const args: string[] = [];
  let i = 0;
  while (i < line.length) {
    while (i < line.length && (line[i] === ' ' || line[i] === '\t')) i += 1;
    if (i >= line.length) break;
    let cur = '';
    let inQuotes = false;
    while (i < line.length) {
      const ch = line[i];
      if (!inQuotes && (ch === ' ' || ch === '\t')) break;
      if (ch === '\\') {
        let n = 0;
        while (line[i] === '\\') {
          n += 1;
          i += 1;
        }
        if (line[i] === '"') {
          cur += '\\'.repeat(Math.floor(n / 2));
          if (n % 2 === 1) {
            cur += '"';
            i += 1;
          }
        } else {
          cur += '\\'.repeat(n);
        }
        continue;
      }
      if (ch === '"') {
        if (inQuotes && line[i + 1] === '"') {
          cur += '"';
          i += 2;
          continue;
        }
        inQuotes = !inQuotes;
        i += 1;
        continue;
      }
      cur += ch;
      i += 1;
    }
    args.push(cur);
  }
  return args;
}
