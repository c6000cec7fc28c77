/**
 * A small, tolerant well-formedness check for SVG text: the root is <svg> with the SVG
 * namespace and a width and height, every tag is closed in order, and attributes are quoted.
 * It is not a validating parser; it catches truncated or garbled output.
 */

/** What {@link checkSvg} found about a document. */
export interface SvgCheck {
  ok: boolean;
  problems: string[];
  width: number;
  height: number;
  elements: number;
}

const TAG = /<(\/?)([A-Za-z][\w:.-]*)((?:\s+[\w:.-]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>/y;

export function checkSvg(text: string): SvgCheck {
  const problems: string[] = [];
  const stack: string[] = [];
  let elements = 0;
  let width = NaN;
  let height = NaN;
  let i = text.search(/<svg[\s>]/);
  if (i < 0) return { ok: false, problems: ['no <svg> root element'], width, height, elements };
  if (
    text
      .slice(0, i)
      .replace(/<\?xml[^>]*\?>|<!--[\s\S]*?-->|<!DOCTYPE[^>]*>/g, '')
      .trim() !== ''
  ) {
    problems.push('content before the <svg> root');
  }
  while (i < text.length) {
    const lt = text.indexOf('<', i);
    if (lt < 0) break;
    if (text.startsWith('<!--', lt)) {
      const end = text.indexOf('-->', lt);
      if (end < 0) {
        problems.push('unclosed comment');
        break;
      }
      i = end + 3;
      continue;
    }
    if (text.startsWith('<![CDATA[', lt)) {
      const end = text.indexOf(']]>', lt);
      if (end < 0) {
        problems.push('unclosed CDATA');
        break;
      }
      i = end + 3;
      continue;
    }
    TAG.lastIndex = lt;
    const m = TAG.exec(text);
    if (!m) {
      problems.push(`malformed tag at offset ${lt}: ${text.slice(lt, lt + 40)}`);
      break;
    }
    const [, closing, name, attrs, selfClosing] = m as unknown as [string, string, string, string, string];
    if (closing) {
      const open = stack.pop();
      if (open !== name) problems.push(`</${name}> closes <${open ?? 'nothing'}>`);
    } else {
      elements++;
      if (elements === 1) {
        if (name !== 'svg') problems.push(`root element is <${name}>`);
        if (!/xmlns\s*=\s*"http:\/\/www\.w3\.org\/2000\/svg"/.test(attrs))
          problems.push('root <svg> lacks the SVG xmlns');
        width = Number(/\swidth\s*=\s*"([\d.]+)"/.exec(attrs)?.[1]);
        height = Number(/\sheight\s*=\s*"([\d.]+)"/.exec(attrs)?.[1]);
        if (!(width > 0 && height > 0)) problems.push('root <svg> lacks a positive width/height');
      } else if (stack.length === 0) {
        problems.push(`element <${name}> after the root closed`);
      }
      if (!selfClosing) stack.push(name);
    }
    i = TAG.lastIndex;
  }
  if (stack.length > 0) problems.push(`unclosed elements: ${stack.join(' > ')}`);
  return { ok: problems.length === 0, problems, width, height, elements };
}
