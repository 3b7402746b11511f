// Guards the shape of the import graph of src/ and drivers/: no cycle between files, no loop between
// top-level areas (e.g. app → cli → ops → app), and the layering edges that keep the core pure.

import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { areaOf, buildImportGraph, cyclesOf, folderGraph, type ImportGraph } from './import-graph.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const graph = buildImportGraph(root, ['src', 'drivers']);

function edgesInto(g: ImportGraph, fromPrefix: string, toPrefix: string): string[] {
  const found: string[] = [];
  for (const [file, targets] of g) {
    if (!file.startsWith(fromPrefix)) continue;
    for (const target of targets) if (target.startsWith(toPrefix)) found.push(`${file} → ${target}`);
  }
  return found;
}

describe('import graph of src/ and drivers/', () => {
  it('sees the program (sanity: the parser finds files and edges)', () => {
    expect(graph.size).toBeGreaterThan(100);
    expect(graph.get('src/app/agent-app.ts')?.length ?? 0).toBeGreaterThan(5);
  });

  it('has no cycle between files', () => {
    expect(cyclesOf(graph)).toEqual([]);
  });

  it('has no loop between top-level areas', () => {
    expect(cyclesOf(folderGraph(graph, areaOf))).toEqual([]);
  });

  it('keeps the pure core free of wire types', () => {
    expect(edgesInto(graph, 'src/domain/', 'src/protocol/')).toEqual([]);
  });

  it('keeps the composition root from importing the CLI', () => {
    expect(edgesInto(graph, 'src/app/', 'src/cli/')).toEqual([]);
  });
});

describe('cycle finder (hand-built graphs)', () => {
  it('finds a two-file cycle and a self-import, and nothing in a chain', () => {
    const g: ImportGraph = new Map([
      ['a', ['b']],
      ['b', ['a', 'c']],
      ['c', ['d']],
      ['d', []],
      ['e', ['e']],
    ]);
    expect(cyclesOf(g)).toEqual([['a', 'b'], ['e']]);
    expect(
      cyclesOf(
        new Map([
          ['a', ['b']],
          ['b', ['c']],
          ['c', []],
        ]),
      ),
    ).toEqual([]);
  });

  it('folds files onto areas and finds a folder loop that no file cycle shows', () => {
    const g: ImportGraph = new Map([
      ['src/app/x.ts', ['src/cli/y.ts']],
      ['src/cli/y.ts', ['src/ops/z.ts']],
      ['src/ops/z.ts', ['src/app/w.ts']],
      ['src/app/w.ts', []],
    ]);
    expect(cyclesOf(g)).toEqual([]);
    expect(cyclesOf(folderGraph(g, areaOf))).toEqual([['src/app', 'src/cli', 'src/ops']]);
  });
});
