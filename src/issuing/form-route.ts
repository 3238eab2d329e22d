import type { TObject } from 'typebox';
import { formRoute } from '../http/forms.ts';

/**
 * formRoute with its path params declared in the returned type, so that handlers get typed
 * `request.params` (formRoute's extra schema is untyped).
 */
export function formRouteAt<S extends TObject, P extends TObject>(body: S, params: P) {
  const route = formRoute(body);
  return { ...route, schema: { ...route.schema, params } };
}
