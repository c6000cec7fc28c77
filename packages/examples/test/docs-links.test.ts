/**
 * docs/backprop.md points at code by file and line. These links rot silently when code moves, so
 * the suite checks them: every relative link resolves to an existing file and line; a link whose
 * text names an identifier in backticks lands on its declaration; a link into a test file
 * lands on an `it(` or `describe(` line.
 */
import { readFileSync, existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const docsDir = resolve(dirname(fileURLToPath(import.meta.url)), '../../../docs');
const doc = readFileSync(resolve(docsDir, 'backprop.md'), 'utf8');
const links = [...doc.matchAll(/\[([^\]]*)\]\((\.\.\/[^)#\s]+)(?:#L(\d+))?\)/g)].map((m) => ({
  text: m[1]!,
  file: m[2]!,
  line: m[3] === undefined ? undefined : Number(m[3]),
}));

/** A line that declares `name`: a function, class, variable, type, or a method or property of a class. */
function declaration(name: string): RegExp {
  const id = name.replace(/[$]/g, '\\$&');
  return new RegExp(
    `\\b(function|class|const|let|interface|type)\\s+${id}\\b|^\\s*(?:(?:public|private|protected|readonly|static|abstract|override|async|get|set)\\s+)*${id}\\s*[(<:=?!]`,
  );
}

describe('docs/backprop.md links', () => {
  it('has links to check', () => {
    expect(links.length).toBeGreaterThan(20);
  });

  it.each(links.map((l) => [`${l.text} → ${l.file}${l.line ? `#L${l.line}` : ''}`, l] as const))('%s', (_, link) => {
    const path = resolve(docsDir, link.file);
    expect(existsSync(path), `${link.file} exists`).toBe(true);
    if (link.line === undefined) return;
    const lines = readFileSync(path, 'utf8').split('\n');
    expect(link.line, `line ${link.line} is inside ${link.file}`).toBeLessThanOrEqual(lines.length);
    const target = lines[link.line - 1]!;
    const named = /^`([^`]+)`$/.exec(link.text)?.[1];
    if (named !== undefined) {
      const identifier = named.split('.').pop()!.replace(/\(.*$/, '');
      expect(target, `line ${link.line} of ${link.file} declares ${identifier}`).toMatch(declaration(identifier));
    } else if (/\.test\.ts$/.test(link.file)) {
      expect(target, `line ${link.line} of ${link.file} starts a test`).toMatch(/\b(it|describe)(\.\w+)?\(/);
    }
  });
});
