// @ts-nocheck: AssemblyScript, compiled by asc (scripts/build-guests.mjs), not by tsc.
// Decimal text to the nearest f64, correctly rounded (ties to even), as JSON.parse does. The standard library's
// strtod is off now and then (by a factor of ten for 1.5157748618617992e+39), so it is not used: a first
// guess made in f64 arithmetic is corrected by comparing the exact decimal with the midpoints to its
// neighbours in big-integer arithmetic (Clinger's AlgorithmR). Exact small cases (≤ 15 digits, |exponent|
// ≤ 22) need no correction.
//
//
// The other way, `shortestDecimal` writes the shortest digits that read back as the same f64, formatted as
// Number.prototype.toString does. The standard library's dtoa is the first try (it is wrong now and then too:
// 1.5164357082390842e+39 came out as ...e+38); an answer that does not read back is replaced by the exact
// method: the f64's full decimal expansion, rounded to 1, 2, ... 17 digits until one reads back.
//
// Decisions: digits past the 780th only matter as "something non-zero follows", so they are folded into one
// sticky digit (enough to decide any f64); a decimal exponent far outside the f64 range decides without
// big numbers.

const MAX_DIGITS = 780;

/** `text` is a JSON number (already validated). */
export function decimalToF64(text: string): f64 {
  let n = text.length;
  let i = 0;
  let negative = false;
  if (text.charCodeAt(0) == 0x2d) {
    negative = true;
    i = 1;
  }
  // Collect significant digits and the decimal exponent of the last one.
  let digits = new Array<u8>(0);
  let exp10: i64 = 0;
  let sticky = false;
  let seenPoint = false;
  for (; i < n; i++) {
    let c = text.charCodeAt(i);
    if (c == 0x2e) {
      seenPoint = true;
      continue;
    }
    if (c == 0x65 || c == 0x45) break;
    let d = <u8>(c - 0x30);
    if (digits.length == 0 && d == 0) {
      if (seenPoint) exp10--;
      continue;
    }
    if (digits.length < MAX_DIGITS) {
      digits.push(d);
      if (seenPoint) exp10--;
    } else {
      if (d != 0) sticky = true;
      if (!seenPoint) exp10++;
    }
  }
  if (i < n) {
    i++;
    let expNegative = false;
    let c = text.charCodeAt(i);
    if (c == 0x2b || c == 0x2d) {
      expNegative = c == 0x2d;
      i++;
    }
    let e: i64 = 0;
    for (; i < n; i++) {
      if (e < 100000000) e = e * 10 + <i64>(text.charCodeAt(i) - 0x30);
    }
    exp10 += expNegative ? -e : e;
  }
  if (sticky) {
    digits.push(1);
    exp10--;
  }
  // Drop trailing zeros (smaller numbers below).
  while (digits.length > 0 && digits[digits.length - 1] == 0) {
    digits.pop();
    exp10++;
  }
  let value = magnitude(digits, exp10);
  return negative ? -value : value;
}

function magnitude(digits: u8[], exp10: i64): f64 {
  let count = digits.length;
  if (count == 0) return 0;
  let top = exp10 + <i64>count; // the value is in [10^(top-1), 10^top)
  if (top > 310) return Infinity;
  if (top < -324) return 0;
  if (count <= 15 && exp10 >= -22 && exp10 <= 22) {
    let w: f64 = 0;
    for (let k = 0; k < count; k++) w = w * 10 + <f64>digits[k];
    return exp10 >= 0 ? w * pow10(<i32>exp10) : w / pow10(<i32>-exp10);
  }
  // First guess in f64 arithmetic (a few ulps off at worst), then AlgorithmR walks to the exact answer.
  let w: f64 = 0;
  let used = count < 19 ? count : 19;
  for (let k = 0; k < used; k++) w = w * 10 + <f64>digits[k];
  let z = scaleByPow10(w, <i32>(exp10 + <i64>(count - used)));
  let big = Big.fromDigits(digits);
  for (let round = 0; round < 256; round++) {
    if (z == Infinity) {
      // Above the midpoint between MAX_VALUE and 2^1024 it is Infinity.
      if (compare(big, exp10, 0x3fffffffffffff, 970) >= 0) return Infinity;
      z = f64.MAX_VALUE;
      continue;
    }
    let bits = reinterpret<u64>(z);
    let biased = <i32>(bits >> 52);
    let m: u64 = bits & 0xfffffffffffff;
    let k: i32;
    if (biased == 0) k = -1074;
    else {
      m |= 0x10000000000000;
      k = biased - 1075;
    }
    if (m == 0) {
      // z is 0: the answer is 0 at or below half the smallest subnormal, else walk up from that subnormal.
      if (compare(big, exp10, 1, -1075) <= 0) return 0;
      z = reinterpret<f64>(1);
      continue;
    }
    // Upper midpoint (2m+1)·2^(k-1).
    let up = compare(big, exp10, 2 * m + 1, k - 1);
    if (up > 0 || (up == 0 && (m & 1) == 1)) {
      z = reinterpret<f64>(bits + 1);
      if (up == 0) return z;
      continue;
    }
    // Lower midpoint: (2m-1)·2^(k-1), or (4m-1)·2^(k-2) just above a power of two.
    let low = m == 0x10000000000000 && biased > 1 ? compare(big, exp10, 4 * m - 1, k - 2) : compare(big, exp10, 2 * m - 1, k - 1);
    if (low < 0 || (low == 0 && (m & 1) == 1)) {
      z = reinterpret<f64>(bits - 1);
      if (low == 0) return z;
      continue;
    }
    return z;
  }
  return z;
}

/** w × 10^e in f64 steps of at most 10^22 (each exact power, so the error stays a few ulps). */
function scaleByPow10(w: f64, e: i32): f64 {
  if (w == 0) return 0;
  while (e > 22) {
    w *= 1e22;
    e -= 22;
  }
  while (e < -22) {
    // Keep clear of the subnormal range while dividing: scale up first when small.
    w /= 1e22;
    e += 22;
  }
  return e >= 0 ? w * pow10(e) : w / pow10(-e);
}

function pow10(e: i32): f64 {
  let r: f64 = 1;
  for (let k = 0; k < e; k++) r *= 10;
  return r;
}

/** Sign of W·10^e10 − M·2^e2 (W the digits). */
function compare(digits: Big, e10: i64, M: u64, e2: i32): i32 {
  let a = e10 < 0 ? <i32>-e10 : 0; // 5^a makes the left an integer
  let b = max<i32>(0, max<i32>(e10 < 0 ? <i32>-e10 : 0, -e2));
  let left = digits.copy();
  left.mulPow5(<i32>e10 + a);
  left.shiftLeft(<i32>e10 + b);
  let right = Big.fromU64(M);
  right.mulPow5(a);
  right.shiftLeft(e2 + b);
  return left.cmp(right);
}

/** Unsigned big integer, little-endian 32-bit limbs. */
class Big {
  limbs: u32[] = new Array<u32>(0);

  static fromDigits(digits: u8[]): Big {
    let big = new Big();
    for (let k = 0; k < digits.length; k++) big.mulAdd(10, digits[k]);
    return big;
  }
  static fromU64(v: u64): Big {
    let big = new Big();
    if (v != 0) big.limbs.push(<u32>v);
    if (v >> 32 != 0) big.limbs.push(<u32>(v >> 32));
    return big;
  }
  copy(): Big {
    let big = new Big();
    big.limbs = this.limbs.slice(0);
    return big;
  }
  /** Divides in place by `d`; returns the remainder. */
  divSmall(d: u32): u32 {
    let rem: u64 = 0;
    for (let k = this.limbs.length - 1; k >= 0; k--) {
      let cur = (rem << 32) | <u64>this.limbs[k];
      this.limbs[k] = <u32>(cur / <u64>d);
      rem = cur % <u64>d;
    }
    while (this.limbs.length > 0 && this.limbs[this.limbs.length - 1] == 0) this.limbs.pop();
    return <u32>rem;
  }
  isZero(): bool {
    return this.limbs.length == 0;
  }
  /** Decimal digits, most significant first. */
  digits(): u8[] {
    let chunks = new Array<u32>(0);
    let n = this.copy();
    while (!n.isZero()) chunks.push(n.divSmall(1000000000));
    let out = new Array<u8>(0);
    for (let c = chunks.length - 1; c >= 0; c--) {
      let chunk = chunks[c];
      let part = new Array<u8>(9);
      for (let k = 8; k >= 0; k--) {
        part[k] = <u8>(chunk % 10);
        chunk /= 10;
      }
      for (let k = 0; k < 9; k++) if (out.length > 0 || part[k] != 0) out.push(part[k]);
    }
    return out;
  }
  mulAdd(mul: u32, add: u32): void {
    let carry: u64 = add;
    for (let k = 0; k < this.limbs.length; k++) {
      let v = <u64>this.limbs[k] * <u64>mul + carry;
      this.limbs[k] = <u32>v;
      carry = v >> 32;
    }
    if (carry != 0) this.limbs.push(<u32>carry);
  }
  mulPow5(n: i32): void {
    while (n >= 13) {
      this.mulAdd(1220703125, 0);
      n -= 13;
    }
    let last: u32 = 1;
    for (let k = 0; k < n; k++) last *= 5;
    if (last != 1) this.mulAdd(last, 0);
  }
  shiftLeft(n: i32): void {
    if (n <= 0 || this.limbs.length == 0) return;
    let words = n >> 5;
    let bits = n & 31;
    if (bits != 0) {
      let carry: u32 = 0;
      for (let k = 0; k < this.limbs.length; k++) {
        let v = this.limbs[k];
        this.limbs[k] = (v << bits) | carry;
        carry = v >> (32 - bits);
      }
      if (carry != 0) this.limbs.push(carry);
    }
    if (words > 0) {
      let shifted = new Array<u32>(words);
      for (let k = 0; k < words; k++) shifted[k] = 0;
      this.limbs = shifted.concat(this.limbs);
    }
  }
  cmp(other: Big): i32 {
    let a = this.limbs.length;
    let b = other.limbs.length;
    if (a != b) return a > b ? 1 : -1;
    for (let k = a - 1; k >= 0; k--) {
      let x = this.limbs[k];
      let y = other.limbs[k];
      if (x != y) return x > y ? 1 : -1;
    }
    return 0;
  }
}

/** The shortest decimal that reads back as `v` (finite), in Number.prototype.toString's format. */
export function shortestDecimal(v: f64): string {
  let guess = v.toString();
  if (guess.endsWith(".0")) guess = guess.substring(0, guess.length - 2);
  if (decimalToF64(guess) == v) return guess;
  let negative = v < 0;
  let a = Math.abs(v);
  let bits = reinterpret<u64>(a);
  let biased = <i32>(bits >> 52);
  let m: u64 = bits & 0xfffffffffffff;
  let k: i32;
  if (biased == 0) k = -1074;
  else {
    m |= 0x10000000000000;
    k = biased - 1075;
  }
  // a = D × 10^e exactly.
  let D = Big.fromU64(m);
  let e: i32 = 0;
  if (k >= 0) D.shiftLeft(k);
  else {
    D.mulPow5(-k);
    e = k;
  }
  let all = D.digits();
  for (let p = 1; p <= 17; p++) {
    let rounded = roundTo(all, p);
    // rounded[0] is a carry digit (0 or 1); the value is rounded × 10^(e + all.length - p - 1 + 1)
    let digits = rounded.length > 0 && rounded[0] == 0 ? rounded.slice(1) : rounded;
    let shift = e + all.length - p + (digits.length - p);
    let text = digitsText(digits) + "e" + shift.toString();
    if (decimalToF64(text) == a) return (negative ? "-" : "") + formatJs(digits, shift);
  }
  return guess;
}

/** The first p digits of `all`, rounded half-up, with a leading carry digit (0 or 1). */
function roundTo(all: u8[], p: i32): u8[] {
  let out = new Array<u8>(p + 1);
  out[0] = 0;
  for (let k = 0; k < p; k++) out[k + 1] = k < all.length ? all[k] : 0;
  if (p < all.length && all[p] >= 5) {
    let k = p;
    while (true) {
      if (out[k] == 9) {
        out[k] = 0;
        k--;
      } else {
        out[k] += 1;
        break;
      }
    }
  }
  return out;
}

function digitsText(digits: u8[]): string {
  let parts = new Array<string>(digits.length);
  for (let k = 0; k < digits.length; k++) parts[k] = String.fromCharCode(0x30 + <i32>digits[k]);
  return parts.join("");
}

/** digits × 10^shift, formatted as Number.prototype.toString does. */
function formatJs(input: u8[], shift: i32): string {
  let digits = input.slice(0);
  while (digits.length > 1 && digits[digits.length - 1] == 0) {
    digits.pop();
    shift++;
  }
  let s = digitsText(digits);
  let count = digits.length;
  let n = count + shift; // value = 0.s × 10^n
  if (count <= n && n <= 21) return s + "0".repeat(n - count);
  if (0 < n && n <= 21) return s.substring(0, n) + "." + s.substring(n);
  if (-6 < n && n <= 0) return "0." + "0".repeat(-n) + s;
  let exp = n - 1;
  return s.substring(0, 1) + (count > 1 ? "." + s.substring(1) : "") + "e" + (exp >= 0 ? "+" : "-") + (exp >= 0 ? exp : -exp).toString();
}
