// The package clause of a Go file: the first `package name` line outside comments. A file
// excluded from every build (`//go:build ignore`) says nothing about its directory's package.
import { maskGo } from './extract-go-symbol.ts';

export function goPackageName(source: string): string | null {
  if (/^\/\/go:build ignore\s*$/m.test(source.slice(0, 4096))) return null;
  const m = /^[ \t]*package[ \t]+([\p{L}_][\p{L}\p{Nd}_]*)/mu.exec(maskGo(source));
  return m ? m[1]! : null;
}
