// apply-patch/rust-text: the string primitives the reference gets from Rust's standard library,
// so marker matching and fuzzy hunk location agree with it character for character.
//
// JavaScript's trim() differs from Rust's str::trim: it strips U+FEFF (not White_Space) and keeps
// U+0085 (White_Space). The sets below are Unicode's White_Space property, which Rust uses.

// Unicode White_Space code points (all in the BMP).
const WHITE_SPACE = new Set([
  0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x20, 0x85, 0xa0, 0x1680, 0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005, 0x2006,
  0x2007, 0x2008, 0x2009, 0x200a, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000,
]);

/** Rust `str::trim_end`. A loop, not a regex: it runs on whole 10 MB patches. */
export function rustTrimEnd(text: string): string {
  let end = text.length;
  while (end > 0 && WHITE_SPACE.has(text.charCodeAt(end - 1))) end--;
  return end === text.length ? text : text.slice(0, end);
}

/** Rust `str::trim`. */
export function rustTrim(text: string): string {
  const trimmed = rustTrimEnd(text);
  let start = 0;
  while (start < trimmed.length && WHITE_SPACE.has(trimmed.charCodeAt(start))) start++;
  return start === 0 ? trimmed : trimmed.slice(start);
}

/**
 * Rust `str::lines`: split on LF, drop the CR of each CRLF, and no empty element after a final
 * LF. A bare CR at the very end stays (it is not part of a line ending).
 */
export function rustLines(text: string): string[] {
  if (text === '') return [];
  const parts = text.split('\n');
  const last = parts.length - 1;
  if (parts[last] === '') parts.pop();
  return parts.map((line, i) => (i < last && line.endsWith('\r') ? line.slice(0, -1) : line));
}
