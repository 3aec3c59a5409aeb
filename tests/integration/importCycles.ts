import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';

/** Every .ts file under `dir` (tests left out: they import what they test), as path → source. */
export function sourcesUnder(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const e of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    const path = join(e.parentPath, e.name);
    if (e.isFile() && path.endsWith('.ts') && !path.endsWith('.test.ts'))
      files.set(normalize(path), readFileSync(path, 'utf8'));
  }
  return files;
}

/**
 * The import cycles among `files` (type-only imports too: they tie modules as much for a reader),
 * each as the list of its files. Resolves relative specifiers to `x.ts` or `x/index.ts`.
 */
export function importCycles(files: ReadonlyMap<string, string>): string[][] {
  const edges = new Map<string, string[]>();
  for (const [path, source] of files) {
    const deps: string[] = [];
    for (const m of source.matchAll(/^(?:import|export)\s[^'"]*?from\s+'(\.[^']+)'/gm)) {
      const base = normalize(join(dirname(path), m[1]!));
      const hit = [`${base}.ts`, join(base, 'index.ts')].find((c) => files.has(c));
      if (hit) deps.push(hit);
    }
    edges.set(path, deps);
  }
  // Tarjan's strongly connected components: a component of more than one file is a cycle.
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (v: string) => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v) ?? []) {
      if (!index.has(w)) visit(w);
      if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, low.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    for (let w = stack.pop()!; ; w = stack.pop()!) {
      onStack.delete(w);
      component.push(w);
      if (w === v) break;
    }
    if (component.length > 1) cycles.push(component.sort());
  };
  for (const v of edges.keys()) if (!index.has(v)) visit(v);
  return cycles;
}
