// Builds the import graph of the program's own source (src/ and drivers/) from the files on disk, so
// tests can guard its shape: no cycle between files, no loop between folders, no forbidden edge.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';

/** Files of the graph keyed by their path from the repository root (forward slashes). */
export type ImportGraph = Map<string, string[]>;

const SOURCE_EXTENSIONS = ['.ts', '.js'];

function listSources(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...listSources(path));
    else if (SOURCE_EXTENSIONS.some((ext) => name.endsWith(ext)) && !name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

function toKey(root: string, path: string): string {
  return relative(root, path).split(sep).join('/');
}

/** The file a relative specifier names: `./x.js` written in TypeScript source means `./x.ts`. */
function resolveSpecifier(fromFile: string, specifier: string, files: Set<string>): string | undefined {
  const base = resolve(dirname(fromFile), specifier);
  const candidates = [base, base.replace(/\.js$/, '.ts'), `${base}.ts`, join(base, 'index.ts')];
  return candidates.find((candidate) => files.has(candidate));
}

/**
 * Every relative import of every file under `roots` (static, `export … from`, dynamic `import()`,
 * type-only included: a type import still ties two files together for a reader).
 */
export function buildImportGraph(root: string, roots: string[]): ImportGraph {
  const files = roots.flatMap((dir) => listSources(join(root, dir)));
  const known = new Set(files);
  const graph: ImportGraph = new Map();
  for (const file of files) {
    const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    const targets = new Set<string>();
    for (const ref of info.importedFiles) {
      if (!ref.fileName.startsWith('.')) continue;
      const target = resolveSpecifier(file, ref.fileName, known);
      if (target === undefined) throw new Error(`${toKey(root, file)}: cannot resolve '${ref.fileName}'`);
      targets.add(toKey(root, target));
    }
    graph.set(toKey(root, file), [...targets].sort());
  }
  return graph;
}

/** Strongly connected components with more than one member (or a self-import): each one is a cycle. */
export function cyclesOf(graph: ImportGraph): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (node: string): void => {
    index.set(node, counter);
    low.set(node, counter);
    counter += 1;
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node)!, index.get(next)!));
      }
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1 || (graph.get(node) ?? []).includes(node)) found.push(component.sort());
    }
  };
  for (const node of [...graph.keys()].sort()) if (!index.has(node)) visit(node);
  return found;
}

/** The graph folded onto folders: `src/app/x.ts` → `src/app`; edges inside one folder are dropped. */
export function folderGraph(graph: ImportGraph, folderOf: (file: string) => string): ImportGraph {
  const folders: ImportGraph = new Map();
  for (const [file, targets] of graph) {
    const from = folderOf(file);
    const edges = new Set(folders.get(from) ?? []);
    for (const target of targets) {
      const to = folderOf(target);
      if (to !== from) edges.add(to);
    }
    folders.set(from, [...edges].sort());
  }
  return folders;
}

/** The top-level area of a file: `src/storage/journal/x.ts` → `src/storage`, `drivers/atol/…` → `drivers/atol`. */
export function areaOf(file: string): string {
  return file.split('/').slice(0, 2).join('/');
}
