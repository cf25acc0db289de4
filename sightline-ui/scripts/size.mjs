// Prints the gzipped size of what the browser loads first: index.html and the scripts and styles
// it references (after `npm run build`). The budget is 250 KB.
import { gzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = 'target/classes/dev/sightline/ui/static';
const html = readFileSync(join(dir, 'index.html'), 'utf8');
const files = ['index.html', ...[...html.matchAll(/(?:src|href)="\/(assets\/[^"]+\.(?:js|css))"/g)].map((m) => m[1])];
let total = 0;
for (const f of files) {
  const size = gzipSync(readFileSync(join(dir, f)), { level: 9 }).length;
  total += size;
  console.log(`${(size / 1024).toFixed(1).padStart(7)} KB  ${f}`);
}
console.log(`${(total / 1024).toFixed(1).padStart(7)} KB  initial load, gzipped (budget 250 KB)`);
if (total > 250 * 1024) process.exitCode = 1;
