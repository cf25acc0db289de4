/**
 * A small Markdown parser for what the server's post-mortem writer emits (PostmortemWriter):
 * ATX headings, paragraphs, bullet (and numbered) lists with `- [ ]`/`- [x]` task boxes, pipe
 * tables, fenced code, and inline code, bold, italic, links and bare http(s) URLs. It produces a
 * tree that components render as elements — never HTML — so raw HTML in the source (an action
 * item's text, say) stays text, and a link is a link only when its URL is http(s) or relative.
 */
export type Inline =
  | { type: 'text'; text: string }
  | { type: 'code'; text: string }
  | { type: 'strong'; children: Inline[] }
  | { type: 'em'; children: Inline[] }
  | { type: 'link'; href: string; children: Inline[] };

export interface ListItem {
  /** null: a plain item; true/false: a task box, checked or not. */
  task: boolean | null;
  children: Inline[];
}

export type Block =
  | { type: 'heading'; level: number; children: Inline[] }
  | { type: 'paragraph'; children: Inline[] }
  | { type: 'list'; ordered: boolean; items: ListItem[] }
  | { type: 'table'; header: Inline[][]; rows: Inline[][][] }
  | { type: 'code'; lang: string; text: string };

const HEADING = /^(#{1,6})(?:\s+(.*?))?\s*#*\s*$/;
const BULLET = /^\s{0,3}([-*+]|\d{1,9}[.)])\s+(.*)$/;
const FENCE = /^\s{0,3}(`{3,}|~{3,})\s*([^`\s]*)/;
const TABLE_SEPARATOR = /^\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$/;

export function parseMarkdown(source: string): Block[] {
  const lines = source.replace(/\r\n?/g, '\n').split('\n');
  const blocks: Block[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    if (line.trim() === '') {
      i++;
      continue;
    }
    const fence = FENCE.exec(line);
    if (fence) {
      const marker = fence[1]!;
      const body: string[] = [];
      i++;
      while (i < lines.length && !lines[i]!.trimStart().startsWith(marker)) body.push(lines[i++]!);
      i++; // the closing fence (or the end)
      blocks.push({ type: 'code', lang: fence[2] ?? '', text: body.join('\n') });
      continue;
    }
    const heading = /^\s{0,3}#/.test(line) ? HEADING.exec(line.trim()) : null;
    if (heading) {
      blocks.push({ type: 'heading', level: heading[1]!.length, children: parseInline(heading[2] ?? '') });
      i++;
      continue;
    }
    if (line.includes('|') && i + 1 < lines.length && TABLE_SEPARATOR.test(lines[i + 1]!) && lines[i + 1]!.includes('-')) {
      const header = splitRow(line).map(parseInline);
      const rows: Inline[][][] = [];
      i += 2;
      while (i < lines.length && lines[i]!.includes('|') && lines[i]!.trim() !== '') {
        rows.push(splitRow(lines[i]!).map(parseInline));
        i++;
      }
      blocks.push({ type: 'table', header, rows });
      continue;
    }
    const bullet = BULLET.exec(line);
    if (bullet) {
      const ordered = /\d/.test(bullet[1]![0]!);
      const items: ListItem[] = [];
      while (i < lines.length) {
        const m = BULLET.exec(lines[i]!);
        if (m && /\d/.test(m[1]![0]!) === ordered) {
          items.push(listItem(m[2]!));
          i++;
        } else if (items.length > 0 && /^\s{2,}\S/.test(lines[i]!) && !BULLET.exec(lines[i]!)) {
          // a continuation line of the previous item
          const last = items[items.length - 1]!;
          last.children.push({ type: 'text', text: ' ' }, ...parseInline(lines[i]!.trim()));
          i++;
        } else break;
      }
      blocks.push({ type: 'list', ordered, items });
      continue;
    }
    const para: string[] = [];
    while (i < lines.length) {
      const l = lines[i]!;
      if (l.trim() === '' || FENCE.test(l) || BULLET.test(l) || (/^\s{0,3}#/.test(l) && HEADING.test(l.trim()))) break;
      if (para.length > 0 && l.includes('|') && i + 1 < lines.length && TABLE_SEPARATOR.test(lines[i + 1]!)) break;
      para.push(l.trim());
      i++;
    }
    blocks.push({ type: 'paragraph', children: parseInline(para.join(' ')) });
  }
  return blocks;
}

function listItem(text: string): ListItem {
  const task = /^\[([ xX])\]\s+(.*)$/.exec(text);
  return task ? { task: task[1] !== ' ', children: parseInline(task[2]!) } : { task: null, children: parseInline(text) };
}

/** The cells of a pipe-table row: outer pipes dropped, `\|` kept as a pipe inside a cell. */
export function splitRow(line: string): string[] {
  let s = line.trim();
  if (s.startsWith('|')) s = s.slice(1);
  if (s.endsWith('|') && !s.endsWith('\\|')) s = s.slice(0, -1);
  const cells: string[] = [];
  let cell = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === '\\' && s[i + 1] === '|') {
      cell += '\\|';
      i++;
    } else if (c === '|') {
      cells.push(cell.trim());
      cell = '';
    } else cell += c;
  }
  cells.push(cell.trim());
  return cells;
}

/**
 * The URL to link to, or null when it must not be a link: only `http:`, `https:` and relative
 * URLs (a path, `?query`, `#fragment`). Whitespace and control characters — which browsers drop
 * inside a scheme (`java\tscript:`) — are removed before the check.
 */
export function safeHref(url: string): string | null {
  // eslint-disable-next-line no-control-regex
  const cleaned = url.replace(/[\u0000-\u0020\u007f-\u009f]/g, '');
  if (cleaned === '') return null;
  if (/^https?:\/\//i.test(cleaned)) return cleaned;
  const scheme = /^[^/?#]*:/.exec(cleaned);
  if (scheme) return null; // any other scheme: javascript:, data:, vbscript:, mailto:, …
  if (cleaned.startsWith('//') || cleaned.startsWith('\\')) return null; // another host without a scheme
  return cleaned;
}

const PUNCT = /[!-/:-@[-`{-~]/;
const BARE_URL = /https?:\/\/[^\s<>"'`|]+[^\s<>"'`|.,;:!?)\]]/g;

/** Inline Markdown of one block's text. */
export function parseInline(text: string): Inline[] {
  const out: Inline[] = [];
  let plain = '';
  const flush = () => {
    if (plain) pushText(out, plain);
    plain = '';
  };
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '\\' && i + 1 < text.length && PUNCT.test(text[i + 1]!)) {
      plain += text[i + 1];
      i += 2;
      continue;
    }
    if (c === '`') {
      let n = 0;
      while (text[i + n] === '`') n++;
      const marker = '`'.repeat(n);
      const close = findRun(text, marker, i + n);
      if (close >= 0) {
        flush();
        const code = text.slice(i + n, close);
        out.push({ type: 'code', text: code.length > 2 && code.startsWith(' ') && code.endsWith(' ') ? code.slice(1, -1) : code });
        i = close + n;
        continue;
      }
      plain += marker;
      i += n;
      continue;
    }
    if (c === '[') {
      const link = matchLink(text, i);
      if (link) {
        flush();
        const href = safeHref(link.url);
        if (href) out.push({ type: 'link', href, children: parseInline(link.label) });
        else pushText(out, text.slice(i, link.end)); // shown as written, not as a link
        i = link.end;
        continue;
      }
    }
    if ((c === '*' || c === '_') && text[i + 1] === c) {
      const close = closingDelimiter(text, c + c, i + 2);
      if (close > 0 && opens(text, i, 2)) {
        flush();
        out.push({ type: 'strong', children: parseInline(text.slice(i + 2, close)) });
        i = close + 2;
        continue;
      }
    } else if (c === '*' || c === '_') {
      const close = closingDelimiter(text, c, i + 1);
      if (close > 0 && opens(text, i, 1)) {
        flush();
        out.push({ type: 'em', children: parseInline(text.slice(i + 1, close)) });
        i = close + 1;
        continue;
      }
    }
    plain += c;
    i++;
  }
  flush();
  return out;
}

/** Text with bare http(s) URLs made links. */
function pushText(out: Inline[], text: string) {
  let last = 0;
  for (const m of text.matchAll(BARE_URL)) {
    if (m.index > last) out.push({ type: 'text', text: text.slice(last, m.index) });
    out.push({ type: 'link', href: m[0], children: [{ type: 'text', text: m[0] }] });
    last = m.index + m[0].length;
  }
  if (last < text.length) out.push({ type: 'text', text: text.slice(last) });
}

function findRun(text: string, marker: string, from: number): number {
  let at = text.indexOf(marker, from);
  while (at >= 0) {
    // exactly this many backticks, not part of a longer run
    if (text[at + marker.length] !== '`' && text[at - 1] !== '`') return at;
    at = text.indexOf(marker, at + 1);
  }
  return -1;
}

/** An opening delimiter: at the start or after a space or opening punctuation, before a non-space. */
function opens(text: string, i: number, n: number): boolean {
  const before = i === 0 ? ' ' : text[i - 1]!;
  const after = text[i + n];
  return after !== undefined && !/\s/.test(after) && (/[\s([{"'>]/.test(before) || (n === 2 && text[i] === '*'));
}

/** The closing delimiter after `from`: preceded by a non-space, followed by the end, a space or punctuation. */
function closingDelimiter(text: string, marker: string, from: number): number {
  let at = text.indexOf(marker, from);
  while (at >= 0) {
    const before = text[at - 1];
    const after = text[at + marker.length];
    const next = marker.length === 1 && after === marker[0];
    if (at > from && before !== undefined && !/\s/.test(before) && !next && (after === undefined || /[\s!-/:-@[-`{-~]/.test(after))) {
      if (!(marker.length === 1 && marker === '_' && after !== undefined && /\w/.test(after))) return at;
    }
    at = text.indexOf(marker, at + marker.length);
  }
  return -1;
}

/** `[label](url)` at `i`: label without unescaped brackets, url up to the balancing `)`. */
function matchLink(text: string, i: number): { label: string; url: string; end: number } | null {
  let j = i + 1;
  let depth = 1;
  while (j < text.length) {
    const c = text[j]!;
    if (c === '\\') j++;
    else if (c === '[') depth++;
    else if (c === ']' && --depth === 0) break;
    j++;
  }
  if (j >= text.length || text[j + 1] !== '(') return null;
  const label = text.slice(i + 1, j);
  let k = j + 2;
  let parens = 1;
  while (k < text.length) {
    const c = text[k]!;
    if (c === '(') parens++;
    else if (c === ')' && --parens === 0) break;
    k++;
  }
  if (k >= text.length) return null;
  const url = text.slice(j + 2, k).trim().replace(/^<(.*)>$/, '$1').split(/\s+"/)[0]!;
  return { label, url, end: k + 1 };
}
