// The central page's HTML stays in src/ (tsc does not copy it to dist/).
import { findProjectFile } from '../project-file.js';

export function centralPagePath(): string {
  return findProjectFile('src/cloud/page/central.html');
}
