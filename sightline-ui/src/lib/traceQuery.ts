/**
 * The trace search form's state, read from and written to the URL
 * (`/traces?service=&operation=&status=&minDurationMs=&maxDurationMs=&attr.KEY=VALUE&start=&end=`),
 * in the API's own parameter names so the page passes it through unchanged.
 */
export interface TraceQuery {
  service: string;
  operation: string;
  status: '' | 'error';
  minDurationMs: string;
  maxDurationMs: string;
  attributes: [string, string][];
}

export const EMPTY_TRACE_QUERY: TraceQuery = {
  service: '',
  operation: '',
  status: '',
  minDurationMs: '',
  maxDurationMs: '',
  attributes: [],
};

export function traceQueryFromParams(params: URLSearchParams): TraceQuery {
  const attributes: [string, string][] = [];
  for (const [key, value] of params) {
    if (key.startsWith('attr.') && key.length > 5) attributes.push([key.slice(5), value]);
  }
  return {
    service: params.get('service') ?? '',
    operation: params.get('operation') ?? '',
    status: params.get('status') === 'error' ? 'error' : '',
    minDurationMs: params.get('minDurationMs') ?? '',
    maxDurationMs: params.get('maxDurationMs') ?? '',
    attributes,
  };
}

/** The query as URL parameters, empty fields left out, in a stable order. */
export function traceQueryToParams(query: TraceQuery): URLSearchParams {
  const params = new URLSearchParams();
  const put = (key: string, value: string) => {
    if (value.trim() !== '') params.set(key, value.trim());
  };
  put('service', query.service);
  put('operation', query.operation);
  put('status', query.status);
  put('minDurationMs', query.minDurationMs);
  put('maxDurationMs', query.maxDurationMs);
  for (const [key, value] of query.attributes) {
    if (key.trim() !== '') params.append(`attr.${key.trim()}`, value);
  }
  return params;
}

/** `KEY=VALUE` lines (the form's attribute box) as pairs; lines without `=` are ignored. */
export function parseAttributeText(text: string): [string, string][] {
  return text
    .split(/\n|,(?=[^,=]+=)/)
    .map((line) => line.trim())
    .filter((line) => line.includes('='))
    .map((line) => {
      const i = line.indexOf('=');
      return [line.slice(0, i).trim(), line.slice(i + 1).trim()] as [string, string];
    })
    .filter(([key]) => key !== '');
}

export function attributeText(attributes: readonly [string, string][]): string {
  return attributes.map(([k, v]) => `${k}=${v}`).join('\n');
}
