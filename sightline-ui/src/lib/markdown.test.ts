import { describe, expect, it } from 'vitest';
import { parseInline, parseMarkdown, safeHref, splitRow, type Inline } from './markdown';

const text = (nodes: Inline[]): string =>
  nodes.map((n) => (n.type === 'text' || n.type === 'code' ? n.text : text(n.children))).join('');

describe('parseMarkdown', () => {
  it('reads what the post-mortem writer emits', () => {
    const md = [
      '# Post-mortem: checkout-availability (inc-1)',
      '',
      '| | |',
      '|---|---|',
      '| SLO | checkout-availability — checkout ok |',
      '| Runbook | https://runbooks.example.com/checkout |',
      '| Note | a \\| b |',
      '',
      '## Impact',
      '',
      '- 191 of 361 requests failed the SLO',
      '- 2094.3% of the error budget burned',
      '',
      '**order fails (java.lang.NullPointerException: Cannot invoke <*> because <*> is null)** (confidence 100%)',
      '',
      '- 2026-11-21T11:11:15Z — **change**: order 1.5.0 first seen',
      '',
      '### Log patterns',
      '',
      '- `payment declined for order <*>` × 12 (baseline 0) — new',
      '',
      '## Action items',
      '',
      '- [ ] add a canary stage (team-orders)',
      '- [x] roll back',
    ].join('\n');
    const blocks = parseMarkdown(md);
    expect(blocks.map((b) => b.type)).toEqual(['heading', 'table', 'heading', 'list', 'paragraph', 'list', 'heading', 'list', 'heading', 'list']);
    const table = blocks[1]!;
    if (table.type !== 'table') throw new Error();
    expect(table.rows).toHaveLength(3);
    expect(text(table.rows[0]![1]!)).toBe('checkout-availability — checkout ok');
    expect(table.rows[1]![1]![0]).toEqual({ type: 'link', href: 'https://runbooks.example.com/checkout', children: [{ type: 'text', text: 'https://runbooks.example.com/checkout' }] });
    expect(text(table.rows[2]![1]!)).toBe('a | b');
    const para = blocks[4]!;
    if (para.type !== 'paragraph') throw new Error();
    expect(para.children[0]!.type).toBe('strong');
    expect(text(para.children)).toContain('Cannot invoke <*> because <*> is null');
    const patterns = blocks[7]!;
    if (patterns.type !== 'list') throw new Error();
    expect(patterns.items[0]!.children[0]).toEqual({ type: 'code', text: 'payment declined for order <*>' });
    const actions = blocks[9]!;
    if (actions.type !== 'list') throw new Error();
    expect(actions.items.map((i) => i.task)).toEqual([false, true]);
    expect(text(actions.items[0]!.children)).toBe('add a canary stage (team-orders)');
  });

  it('keeps fenced code verbatim', () => {
    const blocks = parseMarkdown('```java\n# not a heading\n- not a list <b>\n```\nafter');
    expect(blocks[0]).toEqual({ type: 'code', lang: 'java', text: '# not a heading\n- not a list <b>' });
    expect(blocks[1]!.type).toBe('paragraph');
  });

  it('leaves a heading inside a list item as text', () => {
    const blocks = parseMarkdown('- [ ] # Heading inside\n- ## two');
    expect(blocks).toHaveLength(1);
    const list = blocks[0]!;
    if (list.type !== 'list') throw new Error();
    expect(text(list.items[0]!.children)).toBe('# Heading inside');
    expect(text(list.items[1]!.children)).toBe('## two');
  });

  it('never turns hostile input into HTML or script links', () => {
    const blocks = parseMarkdown(
      '- [ ] <script>alert(1)</script>\n- [ ] [x](javascript:alert(1))\n- <img src=x onerror=alert(1)>\n- [y](JaVa\tScRiPt:alert(1)) [z](data:text/html,hi) [w](//evil.example)',
    );
    const list = blocks[0]!;
    if (list.type !== 'list') throw new Error();
    expect(list.items[0]!.children).toEqual([{ type: 'text', text: '<script>alert(1)</script>' }]);
    expect(list.items[1]!.children).toEqual([{ type: 'text', text: '[x](javascript:alert(1))' }]);
    expect(text(list.items[2]!.children)).toBe('<img src=x onerror=alert(1)>');
    const links = list.items.flatMap((i) => i.children).filter((n) => n.type === 'link');
    expect(links).toEqual([]);
  });
});

describe('parseInline', () => {
  it('reads emphasis, code, links and escapes', () => {
    expect(parseInline('a **b** *c* _d_ `e*f*` [g](/traces/1) \\*h\\*')).toEqual([
      { type: 'text', text: 'a ' },
      { type: 'strong', children: [{ type: 'text', text: 'b' }] },
      { type: 'text', text: ' ' },
      { type: 'em', children: [{ type: 'text', text: 'c' }] },
      { type: 'text', text: ' ' },
      { type: 'em', children: [{ type: 'text', text: 'd' }] },
      { type: 'text', text: ' ' },
      { type: 'code', text: 'e*f*' },
      { type: 'text', text: ' ' },
      { type: 'link', href: '/traces/1', children: [{ type: 'text', text: 'g' }] },
      { type: 'text', text: ' *h*' },
    ]);
  });

  it('leaves snake_case, lone stars and unclosed markers alone', () => {
    expect(text(parseInline('service_name a * b 2*3*4 **open'))).toBe('service_name a * b 2*3*4 **open');
    expect(parseInline('service_name_x')).toEqual([{ type: 'text', text: 'service_name_x' }]);
  });
});

describe('safeHref', () => {
  it('allows http(s) and relative URLs only', () => {
    expect(safeHref('https://a.example/x')).toBe('https://a.example/x');
    expect(safeHref('HTTP://a.example')).toBe('HTTP://a.example');
    expect(safeHref('/incidents/inc-1')).toBe('/incidents/inc-1');
    expect(safeHref('postmortem?x=1#y')).toBe('postmortem?x=1#y');
    expect(safeHref('#top')).toBe('#top');
    for (const bad of ['javascript:alert(1)', ' javascript:x', 'java\nscript:x', 'JAVASCRIPT:x', 'data:text/html,x', 'vbscript:x', 'mailto:a@b', '//evil.example', '\\\\evil', '']) {
      expect(safeHref(bad), bad).toBeNull();
    }
  });
});

describe('splitRow', () => {
  it('splits on unescaped pipes', () => {
    expect(splitRow('| a | b \\| c |')).toEqual(['a', 'b \\| c']);
    expect(splitRow('| | |')).toEqual(['', '']);
  });
});
