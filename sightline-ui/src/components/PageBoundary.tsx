import { Component, type ComponentChildren } from 'preact';
import { ErrorBox } from './States';

/**
 * Catches an error thrown while rendering a page so that the shell (navigation, time range) stays
 * usable and the page says what went wrong instead of going blank. Reset when the route changes.
 */
export class PageBoundary extends Component<{ children: ComponentChildren }, { error: string | null }> {
  override state = { error: null as string | null };

  override componentDidCatch(error: unknown) {
    console.error(error);
    this.setState({ error: error instanceof Error ? error.message : String(error) });
  }

  override render() {
    if (this.state.error) {
      return (
        <ErrorBox
          message={`This page failed to render (${this.state.error}). Reload the page; if it persists, the data may be unusual — please report it with the URL.`}
        />
      );
    }
    return this.props.children;
  }
}
