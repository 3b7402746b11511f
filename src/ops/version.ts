// The package version, read once from package.json (works from src/ under vitest and from dist/).
import { readFileSync } from 'node:fs';
import { findProjectRoot } from './project-root.js';

let cached: string | undefined;

export function version(): string {
  if (!cached) {
    const pkg = JSON.parse(readFileSync(`${findProjectRoot()}/package.json`, 'utf8')) as { version: string };
    cached = pkg.version;
  }
  return cached;
}
