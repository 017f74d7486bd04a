// apply-patch/rust-text: the string primitives the reference gets from Rust's standard library,
// so marker matching and fuzzy hunk location agree with it character for character.
//
// JavaScript's trim() differs from Rust's str::trim: it strips U+FEFF (not White_Space) and keeps
// U+0085 (White_Space). The sets below are Unicode's White_Space property, which Rust uses.

const WS = '\\u0009-\\u000D\\u0020\\u0085\\u00A0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000';
const LEADING_WS = new RegExp(`^[${WS}]+`);
const TRAILING_WS = new RegExp(`[${WS}]+$`);

/** Rust `str::trim_end`. */
export function rustTrimEnd(text: string): string {
  return text.replace(TRAILING_WS, '');
}

/** Rust `str::trim`. */
export function rustTrim(text: string): string {
  return rustTrimEnd(text).replace(LEADING_WS, '');
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
