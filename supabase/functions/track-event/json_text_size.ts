/**
 * Sizes of JSON scalars as text: what JSON.stringify writes for a string, and what Postgres
 * prints for a number stored in jsonb.
 *
 * @module
 */

/**
 * UTF-8 bytes of a string as JSON text, quotes included, with the escapes both JSON.stringify
 * and Postgres use; `storable` is false for U+0000 or a lone UTF-16 surrogate.
 *
 * @example
 * ```ts
 * jsonStringBytes("é\n"); // { bytes: 6, storable: true }
 * ```
 */
export function jsonStringBytes(text: string): { bytes: number; storable: boolean } {
  const bytes = scanString(text);
  return { bytes: Math.abs(bytes), storable: bytes > 0 };
}

/**
 * The JSON size of `text` in UTF-8 bytes, negated when Postgres cannot store the string: the
 * allocation-free form of {@link jsonStringBytes}, for walks over many strings.
 *
 * @example
 * ```ts
 * scanString("a"); // 3
 * scanString("\u0000"); // -8
 * ```
 */
export function scanString(text: string): number {
  let bytes = 2;
  let storable = true;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) {
      if (c >= 0x20) {
        bytes += c === 0x22 || c === 0x5c ? 2 : 1;
      } else if (c === 8 || c === 9 || c === 10 || c === 12 || c === 13) {
        bytes += 2;
      } else {
        bytes += 6; // \u00XX
        if (c === 0) storable = false;
      }
    } else if (c < 0x800) {
      bytes += 2;
    } else if (c < 0xd800 || c > 0xdfff) {
      bytes += 3;
    } else if (c <= 0xdbff && isLowSurrogate(text.charCodeAt(i + 1))) {
      bytes += 4;
      i++;
    } else {
      bytes += 6; // JSON.stringify escapes a lone surrogate as \udXXX
      storable = false;
    }
  }
  return storable ? bytes : -bytes;
}

/**
 * Length of Postgres's numeric output for a number JSON.stringify printed as `text`. jsonb keeps
 * numbers as numeric, which never prints an exponent: 1e+308 comes back as 309 digits.
 *
 * @example
 * ```ts
 * pgNumericLength("1.5e-7"); // 10, for "0.00000015"
 * ```
 */
export function pgNumericLength(text: string): number {
  const match = NUMBER.exec(text);
  if (!match) return text.length;
  const [, sign, whole, fraction = "", exponentText = "0"] = match;
  const exponent = Number(exponentText);
  const digits = whole + fraction;
  const scale = Math.max(0, fraction.length - exponent);
  const pointAt = whole.length + exponent;
  const leadingZeros = digits.length - digits.replace(LEADING_ZEROS, "").length;
  const integerDigits = Math.max(1, pointAt - leadingZeros);
  return sign.length + integerDigits + (scale > 0 ? 1 + scale : 0);
}

const NUMBER = /^(-?)(\d+)(?:\.(\d+))?(?:e([+-]?\d+))?$/;
const LEADING_ZEROS = /^0+/;

function isLowSurrogate(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}
