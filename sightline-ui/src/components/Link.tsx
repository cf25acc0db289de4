import type { ComponentChildren } from 'preact';
import { navigate } from '../lib/router';

/** An anchor that navigates client-side (plain clicks only: new-tab clicks keep working). */
export function Link(props: {
  href: string;
  children: ComponentChildren;
  class?: string;
  title?: string;
  'aria-current'?: 'page';
  'data-testid'?: string;
}) {
  const onClick = (e: MouseEvent) => {
    if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(props.href);
  };
  return (
    <a href={props.href} class={props.class} title={props.title} aria-current={props['aria-current']} data-testid={props['data-testid']} onClick={onClick}>
      {props.children}
    </a>
  );
}
