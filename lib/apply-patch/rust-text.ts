// apply-patch/rust-text: the string primitives the reference gets from Rust's standard library,
// so marker matching and fuzzy hunk location agree with it character for character.
//
// JavaScript's trim() differs from Rust's str::trim: it strips U+FEFF (not White_Space) and keeps
// U+0085 (White_Space). The sets below are Unicode's White_Space property, which Rust uses.

// Unicode White_Space code points (all in the BMP).
const WHITE_SPACE = new Set([
  0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x20, 0x85, 0xa0, 0x1680, 0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005, 0x2006, 0x2007, 0x2008, 0x2009, 0x200a, 0x2028, 0x2029, 0x202f, 0x205f,
  0x3000,
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

/** The second byte's range for a 3- or 4-byte UTF-8 lead byte (Rust's core::str validation). */
function secondByteRange(lead: number): [number, number] {
  if (lead === 0xe0) return [0xa0, 0xbf];
  if (lead === 0xed) return [0x80, 0x9f];
  if (lead === 0xf0) return [0x90, 0xbf];
  if (lead === 0xf4) return [0x80, 0x8f];
  return [0x80, 0xbf];
}

/**
 * Rust's `Utf8Error` text for bytes that are not UTF-8, or null when they are:
 * `invalid utf-8 sequence of N bytes from index I` (N is how much of a bad sequence is skipped)
 * or `incomplete utf-8 byte sequence from index I` (the bytes end inside a sequence).
 */
export function utf8ErrorText(bytes: Uint8Array): string | null {
  let i = 0;
  while (i < bytes.length) {
    const lead = bytes[i];
    if (lead < 0x80) {
      i++;
      continue;
    }
    const width = lead >= 0xc2 && lead <= 0xdf ? 2 : lead >= 0xe0 && lead <= 0xef ? 3 : lead >= 0xf0 && lead <= 0xf4 ? 4 : 0;
    if (width === 0) return `invalid utf-8 sequence of 1 bytes from index ${i}`;
    for (let k = 1; k < width; k++) {
      if (i + k >= bytes.length) return `incomplete utf-8 byte sequence from index ${i}`;
      const [low, high] = k === 1 && width > 2 ? secondByteRange(lead) : [0x80, 0xbf];
      if (bytes[i + k] < low || bytes[i + k] > high) return `invalid utf-8 sequence of ${k} bytes from index ${i}`;
    }
    i += width;
  }
  return null;
}
