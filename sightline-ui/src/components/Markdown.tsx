import type { ComponentChildren } from 'preact';
import { useMemo } from 'preact/hooks';
import { parseMarkdown, type Block, type Inline } from '../lib/markdown';
import { Link } from './Link';

/**
 * Markdown (the subset of src/lib/markdown.ts) as Preact elements: text is always text (never
 * innerHTML), links only where the parser judged the URL safe.
 */
export function Markdown({ source }: { source: string }) {
  const blocks = useMemo(() => parseMarkdown(source), [source]);
  return <>{blocks.map((b, i) => renderBlock(b, i))}</>;
}

function renderBlock(b: Block, key: number): ComponentChildren {
  switch (b.type) {
    case 'heading': {
      const H = `h${b.level}` as 'h1';
      return <H key={key}>{inlines(b.children)}</H>;
    }
    case 'paragraph':
      return <p key={key}>{inlines(b.children)}</p>;
    case 'code':
      return (
        <pre key={key} class="md-code">
          <code>{b.text}</code>
        </pre>
      );
    case 'list': {
      const items = b.items.map((item, i) => (
        <li key={i} class={item.task === null ? undefined : 'md-task'}>
          {item.task !== null && <input type="checkbox" checked={item.task} disabled aria-label={item.task ? 'done' : 'not done'} />}{' '}
          {inlines(item.children)}
        </li>
      ));
      return b.ordered ? <ol key={key}>{items}</ol> : <ul key={key}>{items}</ul>;
    }
    case 'table': {
      const hasHeader = b.header.some((c) => c.length > 0);
      return (
        <table key={key} class={hasHeader ? 'table md-table' : 'table md-table md-kv'}>
          {hasHeader && (
            <thead>
              <tr>{b.header.map((c, i) => <th key={i}>{inlines(c)}</th>)}</tr>
            </thead>
          )}
          <tbody>
            {b.rows.map((row, r) => (
              <tr key={r}>{row.map((c, i) => <td key={i}>{inlines(c)}</td>)}</tr>
            ))}
          </tbody>
        </table>
      );
    }
  }
}

function inlines(nodes: Inline[]): ComponentChildren {
  return nodes.map((n, i) => {
    switch (n.type) {
      case 'text':
        return n.text;
      case 'code':
        return <code key={i}>{n.text}</code>;
      case 'strong':
        return <strong key={i}>{inlines(n.children)}</strong>;
      case 'em':
        return <em key={i}>{inlines(n.children)}</em>;
      case 'link':
        return n.href.startsWith('/') ? (
          <Link key={i} href={n.href}>{inlines(n.children)}</Link>
        ) : (
          <a key={i} href={n.href} rel="noopener noreferrer" target={/^https?:/i.test(n.href) ? '_blank' : undefined}>
            {inlines(n.children)}
          </a>
        );
    }
  });
}
