// Reads the shell commands that the documentation gives, so tests can run or render them as written: the bash
// blocks of a Markdown file, continuation lines joined, split into words as a POSIX shell would (quotes removed,
// $VAR and ${VAR} replaced by example values; an unknown variable is an error, so a guide cannot use one it never
// sets). No command substitution, globbing or redirection: the guides' commands that tests read use none.
const VARIABLE = /^\$(?:\{([A-Za-z_]\w*)\}|([A-Za-z_]\w*))/;

/** Shell words of one command line: quotes removed, $VAR and ${VAR} expanded outside single quotes. */
export function shellWords(line: string, env: Record<string, string>): string[] {
  const words: string[] = [];
  let word: string | undefined;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote === "'") {
      if (c === "'") quote = undefined;
      else word += c;
      continue;
    }
    if (c === '$') {
      const match = VARIABLE.exec(line.slice(i));
      const name = match?.[1] ?? match?.[2];
      if (!match || !name) throw new Error(`unexpected $ in: ${line}`);
      if (!(name in env)) throw new Error(`undefined variable $${name} in: ${line}`);
      word = (word ?? '') + env[name];
      i += match[0].length - 1;
    } else if (quote === '"') {
      if (c === '"') quote = undefined;
      else word += c;
    } else if (c === ' ' || c === '\t') {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else if (c === '#' && word === undefined) {
      break;
    } else if (c === "'" || c === '"') {
      quote = c;
      word ??= '';
    } else {
      word = (word ?? '') + c;
    }
  }
  if (word !== undefined) words.push(word);
  return words;
}

/** The command lines of a document's bash blocks, continuation lines joined. */
export function commandLines(markdown: string): string[] {
  const blocks = [...markdown.matchAll(/```bash\n([\s\S]*?)```/g)].map((m) => m[1]);
  return blocks.flatMap((block) => block.replace(/\\\n\s*/g, '').split('\n')).map((l) => l.trim());
}
