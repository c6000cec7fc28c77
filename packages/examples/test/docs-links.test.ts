/**
 * docs/backprop.md points at code by file and line. Lines move when code changes, so each link
 * says what it lands on (an identifier's declaration, or a test by its title) and the suite
 * checks that it still does. `node scripts/docs-links.mjs --fix` moves the line numbers.
 */
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain ESM script shared with the command line, without type declarations.
import { docLinks } from '../../../scripts/docs-links.mjs';

interface Link {
  text: string;
  file: string;
  line?: number;
  problem?: string;
}
const links = (docLinks as () => Link[])();

describe('docs/backprop.md links', () => {
  it('has links to check', () => {
    expect(links.length).toBeGreaterThan(20);
  });

  it.each(links.map((l) => [`${l.text} → ${l.file}${l.line ? `#L${l.line}` : ''}`, l] as const))('%s', (_, link) => {
    expect(link.problem, 'run `node scripts/docs-links.mjs --fix` after moving code').toBeUndefined();
  });
});
