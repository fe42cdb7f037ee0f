import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';

// Every relative link of the project's Markdown points at a file that exists and, when it names a section
// (`file.md#section`), at a heading of that file, by GitHub's rule for heading anchors.

const root = join(__dirname, '../..');
const documents = execFileSync('git', ['ls-files', '*.md'], { cwd: root, encoding: 'utf8' })
  .split('\n')
  .filter((path) => path !== '');

/** GitHub's anchors: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
function headingAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  let inFence = false;
  for (const line of markdown.split('\n')) {
    if (line.startsWith('```')) inFence = !inFence;
    const heading = inFence ? null : /^#{1,6} +(.+?) *#* *$/.exec(line);
    if (!heading) continue;
    const text = heading[1].replace(/`/g, '').replace(/\[([^\]]*)\]\([^)]*\)/g, '$1');
    const base = text
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\- _]/gu, '')
      .replace(/ /g, '-');
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    anchors.add(count === 0 ? base : `${base}-${count}`);
  }
  return anchors;
}

/** The relative links of a document, outside code: [text](target) and [text](target#anchor). */
function relativeLinks(markdown: string): { target: string; anchor?: string }[] {
  const prose = markdown.replace(/```[\s\S]*?```/g, '').replace(/`[^`\n]*`/g, '');
  const links: { target: string; anchor?: string }[] = [];
  for (const match of prose.matchAll(/\]\(([^)\s]+)\)/g)) {
    const href = match[1];
    if (/^[a-z]+:/i.test(href)) continue;
    const [target, anchor] = href.split('#', 2);
    links.push({ target, anchor });
  }
  return links;
}

describe('the links of the Markdown documents', () => {
  it('finds the documents', () => {
    expect(documents).toEqual(expect.arrayContaining(['README.md', 'docs/performance.md']));
  });

  it.each(documents)('%s links only to files and sections that exist', (document) => {
    const markdown = readFileSync(join(root, document), 'utf8');
    const broken: string[] = [];
    for (const { target, anchor } of relativeLinks(markdown)) {
      const path = target === '' ? join(root, document) : normalize(join(root, dirname(document), target));
      const shown = `${target}${anchor === undefined ? '' : `#${anchor}`}`;
      if (!existsSync(path)) broken.push(`${shown}: no ${relative(root, path)}`);
      else if (anchor !== undefined && path.endsWith('.md') && statSync(path).isFile()) {
        if (!headingAnchors(readFileSync(path, 'utf8')).has(anchor)) broken.push(`${shown}: no such section`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('reads anchors the way GitHub makes them', () => {
    const anchors = headingAnchors(
      '# Go live\n## 5. Configure account linking\n```\n# not a heading\n```\n## The linked path, (5), against `x`\n## Go live\n',
    );
    expect([...anchors]).toEqual([
      'go-live',
      '5-configure-account-linking',
      'the-linked-path-5-against-x',
      'go-live-1',
    ]);
  });
});
