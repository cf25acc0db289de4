import { Empty } from '../../components/States';

/** Placeholder while this page is being built (issue 12). */
export function SloPage({ name }: { name: string }) {
  return <Empty>The page of {name} is not built yet.</Empty>;
}
