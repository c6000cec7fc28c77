/**
 * ESLint rule `tapegrad/layers`: imports run one way through the layers of autograd, and packages
 * meet only through their public entry.
 *
 * - In packages/autograd/src a value import may only reach the same or a lower layer:
 *   base (errors, shape, dtype, options, random, process) ← kernels ← tensor (tensor, creation, tape/) ←
 *   ops ← engine ← public API (check/, inspect/, index.ts). `import type` is exempt: it is erased
 *   and orders nothing at run time (tensor.ts names the op functions' types, for instance).
 * - A package imports another only as `@tapegrad/<name>` (never a deep path), and no relative
 *   import leaves its own package, so a test never reads another package's test files (shared
 *   test helpers live in test-support/ at the repository root).
 */
import { dirname, relative, resolve, sep } from 'node:path';

const LAYERS = ['base', 'kernels', 'tensor', 'ops', 'engine', 'public API'];

/** The layer of a file under packages/autograd/src, or -1 outside it. */
function layerOf(root, file) {
  const rel = relative(resolve(root, 'packages/autograd/src'), file).split(sep).join('/');
  if (rel.startsWith('..')) return -1;
  const top = rel.split('/')[0].replace(/\.[jt]s$/, '');
  if (['errors', 'shape', 'dtype', 'options', 'random', 'process'].includes(top)) return 0;
  if (top === 'kernels') return 1;
  if (['tensor', 'creation', 'tape'].includes(top)) return 2;
  if (top === 'ops') return 3;
  if (top === 'engine') return 4;
  return 5;
}

/** The package directory (packages/<name>) a file belongs to, or null. */
function packageOf(root, file) {
  const rel = relative(resolve(root, 'packages'), file).split(sep);
  return rel[0] === '..' || rel.length < 2 ? null : rel[0];
}

export const layers = {
  meta: {
    type: 'problem',
    docs: { description: 'Imports follow the layer order of autograd and meet other packages only at their entry.' },
    schema: [],
  },
  create(context) {
    const file = context.filename;
    const root = context.cwd;
    const check = (node, typeOnly) => {
      const source = node.source?.value;
      if (typeof source !== 'string') return;
      const deep = /^@tapegrad\/[^/]+\/./.test(source);
      if (deep) {
        context.report({
          node: node.source,
          message: `Import '${source.split('/').slice(0, 2).join('/')}' itself, not a path inside it.`,
        });
        return;
      }
      if (!source.startsWith('.')) return;
      const target = resolve(dirname(file), source);
      const from = packageOf(root, file);
      const to = packageOf(root, target);
      const inTestSupport = !relative(resolve(root, 'test-support'), target).startsWith('..');
      if (from !== null && to !== null && to !== from && !inTestSupport) {
        context.report({
          node: node.source,
          message: `'${source}' reaches into packages/${to} from packages/${from}; import '@tapegrad/${to}' (shared test helpers go in test-support/).`,
        });
        return;
      }
      if (typeOnly) return;
      const a = layerOf(root, file);
      const b = layerOf(root, target);
      if (a >= 0 && b > a) {
        context.report({
          node: node.source,
          message: `The ${LAYERS[a]} layer may not import the ${LAYERS[b]} layer ('${source}'): imports run ${LAYERS.join(' ← ')}.`,
        });
      }
    };
    return {
      ImportDeclaration: (node) =>
        check(
          node,
          node.importKind === 'type' ||
            (node.specifiers.length > 0 && node.specifiers.every((s) => s.importKind === 'type')),
        ),
      ExportNamedDeclaration: (node) => check(node, node.exportKind === 'type'),
      ExportAllDeclaration: (node) => check(node, node.exportKind === 'type'),
      ImportExpression: (node) => check(node, false),
    };
  },
};
