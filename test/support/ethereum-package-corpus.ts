// The args files ethereum-package itself ships, per version folder of
// ../shared/reference/ethereum-package-src: its CI files (.github/tests, including `examples/` and the
// `.norun` ones it keeps but does not run), its defaults file network_params.yaml, and the full example
// that is the largest YAML block of its README.

import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

export const PACKAGE_SOURCES = new URL('../../../shared/reference/ethereum-package-src/', import.meta.url)
  .pathname;

export interface CorpusFile {
  /** The version folder (6.0.0, 6.1.0, or a main commit). */
  folder: string;
  /** Path inside the folder, `README.md#full-example` for the README block. */
  name: string;
  text: string;
  /** Whether it is one of the files the issue counted: `.github/tests/*.yaml`, network_params.yaml, README. */
  counted: boolean;
}

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

/** The largest ```yaml block of a README. */
export function readmeExample(markdown: string): string {
  const blocks = [...markdown.matchAll(/```ya?ml\n([\s\S]*?)```/g)].map((m) => m[1]!);
  return blocks.reduce((a, b) => (b.length > a.length ? b : a), '');
}

export function packageCorpus(root = PACKAGE_SOURCES): CorpusFile[] {
  if (!existsSync(root)) return [];
  const out: CorpusFile[] = [];
  for (const folder of readdirSync(root).sort()) {
    const dir = join(root, folder);
    if (!statSync(dir).isDirectory()) continue;
    const tests = join(dir, '.github', 'tests');
    for (const path of walk(tests).sort()) {
      const name = relative(dir, path);
      if (!/\.ya?ml(\.norun|_norun)?$/.test(name)) continue;
      const counted = /^\.github\/tests\/[^/]+\.yaml$/.test(name);
      out.push({ folder, name, text: readFileSync(path, 'utf8'), counted });
    }
    out.push({
      folder,
      name: 'network_params.yaml',
      text: readFileSync(join(dir, 'network_params.yaml'), 'utf8'),
      counted: true,
    });
    out.push({
      folder,
      name: 'README.md#full-example',
      text: readmeExample(readFileSync(join(dir, 'README.md'), 'utf8')),
      counted: true,
    });
  }
  return out;
}
