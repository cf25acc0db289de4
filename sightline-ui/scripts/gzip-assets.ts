import { gzipSync } from 'node:zlib';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { Plugin } from 'vite';

/**
 * After the bundle is written, puts a `.gz` (level 9) next to every text asset of the output, and
 * lists the servable files (paths relative to the output, one a line, without the `.gz` copies) in
 * `files.txt`: the server serves exactly those and nothing else.
 */
export function gzipAssets(): Plugin {
  let outDir = '';
  return {
    name: 'sightline-gzip-assets',
    apply: 'build',
    configResolved(config) {
      outDir = join(config.root, config.build.outDir);
    },
    closeBundle() {
      const files = walk(outDir).filter((f) => !f.endsWith('.gz') && !f.endsWith('files.txt'));
      for (const file of files) {
        if (!/\.(js|css|html|svg|json|txt|map)$/.test(file)) continue;
        writeFileSync(`${file}.gz`, gzipSync(readFileSync(file), { level: 9 }));
      }
      const listed = files.map((f) => relative(outDir, f).split(sep).join('/')).sort();
      writeFileSync(join(outDir, 'files.txt'), `${listed.join('\n')}\n`);
    },
  };
}

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}
