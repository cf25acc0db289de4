import { Empty } from '../../components/States';

/** Placeholder while this page is being built (issue 12). */
export function SloList() {
  return <Empty>This page is not built yet.</Empty>;
}
