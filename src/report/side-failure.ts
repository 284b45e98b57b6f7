// How a side that did not build reads in every table: the image's own build failure, or a
// check that could not run there (configuration or infrastructure: src/errors.ts decides).
import type { SideResult } from '../model.ts';
import { blameOfFailure } from '../policy/index.ts';

export function sideFailureLabel(error: NonNullable<SideResult['error']>): string {
  const blame = blameOfFailure(error);
  return blame === 'target' ? 'build failed' : blame === 'config' ? 'not built: configuration error' : 'not built: infrastructure error';
}
