import { Empty } from '../../components/States';

/** Placeholder while this page is being built (issue 12). */
export function IncidentPage({ id }: { id: string }) {
  return <Empty>The page of {id} is not built yet.</Empty>;
}
