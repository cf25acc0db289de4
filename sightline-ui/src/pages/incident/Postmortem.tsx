import { incidentApi, incidentPaths } from '../../api/incidents';
import { Link } from '../../components/Link';
import { Markdown } from '../../components/Markdown';
import { Empty, Loaded } from '../../components/States';
import { useApi } from '../../lib/useApi';

/** `/incidents/{id}/postmortem`: the server's Markdown post-mortem, rendered as elements. */
export function Postmortem({ id }: { id: string }) {
  const state = useApi((s) => incidentApi.postmortem(id, s), [id]);
  return (
    <>
      <p class="toolbar-links">
        <Link href={`/incidents/${encodeURIComponent(id)}`} data-testid="incident-link">
          ← back to the incident
        </Link>{' '}
        ·{' '}
        <a href={incidentPaths.postmortem(id)} download={`postmortem-${id}.md`} data-testid="postmortem-download">
          download Markdown
        </a>
      </p>
      <Loaded state={state} what="the post-mortem">
        {(md) =>
          md.trim() === '' ? (
            <Empty>The post-mortem is empty.</Empty>
          ) : (
            <article class="markdown" data-testid="postmortem">
              <Markdown source={md} />
            </article>
          )
        }
      </Loaded>
    </>
  );
}
