/**
 * POSIX-style path joining in pure code, so the core resolves `file:`/`extends:` references
 * without touching the file system. Relative references resolve against the wrapper's directory.
 */

export function dirnameOf(path: string): string {
  const slash = path.lastIndexOf('/');
  if (slash < 0) return '.';
  if (slash === 0) return '/';
  return path.slice(0, slash);
}

/** Collapses `.` and `..` segments and duplicate slashes; keeps leading `..` of relative paths. */
export function normalizePath(path: string): string {
  const absolute = path.startsWith('/');
  const out: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') {
      if (out.length > 0 && out[out.length - 1] !== '..') out.pop();
      else if (!absolute) out.push('..');
      continue;
    }
    out.push(segment);
  }
  const joined = out.join('/');
  if (absolute) return `/${joined}`;
  return joined === '' ? '.' : joined;
}

/** `reference` relative to the directory `baseDir`, unless it is absolute. */
export function resolveRelative(baseDir: string, reference: string): string {
  if (reference.startsWith('/')) return normalizePath(reference);
  return normalizePath(baseDir === '.' ? reference : `${baseDir}/${reference}`);
}
