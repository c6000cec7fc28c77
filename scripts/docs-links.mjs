#!/usr/bin/env node
/**
 * docs/backprop.md points at code by file and line. Lines move whenever code changes, so every
 * line link also carries what it points at: a link whose text is an identifier in backticks lands
 * on that identifier's declaration, and a link into a test file carries the test's title as its
 * link title. `node scripts/docs-links.mjs --fix` moves each line number to where its target now
 * is; the docs-links test fails on any link that does not land.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const docsDir = resolve(dirname(fileURLToPath(import.meta.url)), '../docs');
export const docPath = resolve(docsDir, 'backprop.md');

const LINK = /\[([^\]]*)\]\((\.\.\/[^)#\s]+)(?:#L(\d+))?(?:\s+"((?:[^"\\]|\\.)*)")?\)/g;

/** A line that declares `name`: a function, class, variable, type, or a method or property of a class. */
function declaration(name) {
  const id = name.replace(/[$]/g, '\\$&');
  return new RegExp(
    `\\b(function|class|const|let|interface|type)\\s+${id}\\b|^\\s*(?:(?:public|private|protected|readonly|static|abstract|override|async|get|set)\\s+)*${id}\\s*[(<:=?!]`,
  );
}

const TEST_START = /\b(it|describe)(\.\w+)?\(/;

/** What a link must land on, as a predicate over a line, or undefined for a link to a whole file. */
function targetOf(link) {
  const named = /^`([^`]+)`$/.exec(link.text)?.[1];
  if (named !== undefined) {
    const identifier = named.split('.').pop().replace(/\(.*$/, '');
    const re = declaration(identifier);
    return { what: `the declaration of ${identifier}`, matches: (lines, i) => re.test(lines[i]) };
  }
  if (/\.test\.ts$/.test(link.file)) {
    const title = link.title;
    return {
      what: title ? `the test "${title}"` : 'a test',
      // A formatter may put the title on the line after `it(`.
      matches: (lines, i) =>
        TEST_START.test(lines[i]) && (title === undefined || `${lines[i]} ${lines[i + 1] ?? ''}`.includes(title)),
    };
  }
  return undefined;
}

/** Every relative link of the doc, with whether it lands and, if not, where its target is now. */
export function docLinks(doc = readFileSync(docPath, 'utf8')) {
  return [...doc.matchAll(LINK)].map((m) => {
    const link = {
      source: m[0],
      text: m[1],
      file: m[2],
      line: m[3] === undefined ? undefined : Number(m[3]),
      title: m[4]?.replace(/\\"/g, '"'),
    };
    const path = resolve(docsDir, link.file);
    if (!existsSync(path)) return { ...link, problem: `${link.file} does not exist` };
    if (link.line === undefined) return { ...link };
    const lines = readFileSync(path, 'utf8').split('\n');
    const target = targetOf(link);
    const lands = (n) => n >= 1 && n <= lines.length && (target === undefined || target.matches(lines, n - 1));
    if (lands(link.line)) return { ...link };
    const found = target === undefined ? -1 : lines.findIndex((_, i) => target.matches(lines, i));
    return {
      ...link,
      problem: `line ${link.line} of ${link.file} is not ${target?.what ?? 'inside the file'}`,
      fixedLine: found >= 0 ? found + 1 : undefined,
    };
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  let doc = readFileSync(docPath, 'utf8');
  const links = docLinks(doc);
  let unfixable = 0;
  for (const l of links.filter((l) => l.problem)) {
    if (process.argv.includes('--fix') && l.fixedLine !== undefined) {
      doc = doc.replace(l.source, l.source.replace(`#L${l.line}`, `#L${l.fixedLine}`));
      console.log(`moved: ${l.file}#L${l.line} → #L${l.fixedLine}`);
    } else {
      unfixable++;
      console.log(`broken: ${l.problem}`);
    }
  }
  if (process.argv.includes('--fix')) writeFileSync(docPath, doc);
  process.exit(unfixable > 0 ? 1 : 0);
}
