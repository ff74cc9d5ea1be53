/**
 * Input sanitising and tokenising. Pure: no I/O.
 *
 * sanitize() refuses empty, oversized and binary input and cleans the rest (Unicode NFC,
 * lone surrogates and control characters removed, curly apostrophes straightened).
 * tokenize() splits clean text into words, emoji, emoticons, numbers, durations ("2s", "1.5 s"
 * is joined later) and punctuation.
 */
import { DURATION_UNITS, MAX_INPUT_CHARS, SEQUENCE_PUNCT } from './modifiers.ts';
import { EMOTICON_FIRST_CHARS, EMOTICON_LIST } from './vocabulary.ts';

export type RawToken =
  | { kind: 'word'; raw: string; norm: string }
  | { kind: 'emoji'; raw: string }
  | { kind: 'emoticon'; raw: string }
  | { kind: 'number'; raw: string; value: number }
  | { kind: 'duration'; raw: string; seconds: number }
  | { kind: 'punct'; raw: string };

export type Sanitized = { ok: true; text: string; notes: string[] } | { ok: false; message: string };

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
// C0 and C1 controls except tab, newline and carriage return; also U+FFFD and noncharacters.
const BAD_CHAR = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uFFFD\uFFFE\uFFFF]/g;

export function sanitize(input: unknown): Sanitized {
  if (typeof input !== 'string') {
    return { ok: false, message: 'Input is not text; type an emotion such as "happy" or a sentence.' };
  }
  if (input.length > MAX_INPUT_CHARS) {
    return {
      ok: false,
      message: `Input is ${input.length} characters long; the limit is ${MAX_INPUT_CHARS}. Try a shorter trigger such as "happy, then sad".`,
    };
  }
  if (input.trim().length === 0) {
    return { ok: false, message: 'Empty input: type an emotion such as "happy", an emoji such as 😀, or a sentence.' };
  }
  const notes: string[] = [];
  const bad = input.match(BAD_CHAR)?.length ?? 0;
  const lone = input.match(LONE_SURROGATE)?.length ?? 0;
  if (input.includes('\u0000') || (bad + lone) * 10 > input.length) {
    return { ok: false, message: 'Input looks like binary data (control or invalid characters), not text; nothing was parsed.' };
  }
  let text = input.replace(LONE_SURROGATE, ' ').replace(BAD_CHAR, ' ');
  if (bad + lone > 0) notes.push(`Ignored ${bad + lone} control or invalid character${bad + lone === 1 ? '' : 's'}.`);
  text = text.normalize('NFC').replace(/[\u2018\u2019\u02BC\u0060\u00B4]/g, "'");
  if (text.trim().length === 0) {
    return { ok: false, message: 'Empty input: type an emotion such as "happy", an emoji such as 😀, or a sentence.' };
  }
  return { ok: true, text, notes };
}

const EMOJI_RE =
  /(?:\p{Regional_Indicator}{2}|\p{Extended_Pictographic}(?:\uFE0F|\uFE0E|\p{Emoji_Modifier})*(?:\u200D\p{Extended_Pictographic}(?:\uFE0F|\uFE0E|\p{Emoji_Modifier})*)*)/uy;
const NUMBER_RE = /(?:\d+(?:\.\d+)?|\.\d+)(?:[eE][-+]?\d+)?/y;
const UNIT_RE = /[a-zA-Z]+/y;
const WORD_RE = /\p{L}[\p{L}\p{M}\p{N}']*(?:-\p{L}[\p{L}\p{M}\p{N}']*)*/uy;
const PUNCT_RUN_RE = /[!?¡¿‽]+|\.{2,}|…|[.,;:]/y;
const ALNUM = /[\p{L}\p{N}]/u;

function isAlnum(ch: string | undefined): boolean {
  return ch !== undefined && ALNUM.test(ch);
}

function matchAt(re: RegExp, text: string, i: number): string | null {
  re.lastIndex = i;
  const m = re.exec(text);
  return m ? m[0] : null;
}

function emoticonAt(text: string, i: number): string | null {
  if (!EMOTICON_FIRST_CHARS.has(text[i] ?? '')) return null;
  for (const e of EMOTICON_LIST) {
    if (!text.startsWith(e, i)) continue;
    if (isAlnum(e[0]) && isAlnum(text[i - 1])) continue;
    const last = e[e.length - 1];
    const next = text[i + e.length];
    if (isAlnum(last) && isAlnum(next)) continue;
    // ":3" style emoticons must not be the middle of "10:30"; ":(" after a letter is fine.
    if (isAlnum(text[i - 1]) && /\d/.test(text[i - 1] ?? '') && /^[:;=]/.test(e)) continue;
    return e;
  }
  return null;
}

export function tokenize(text: string): RawToken[] {
  const out: RawToken[] = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    const ch = text[i] ?? '';
    if (/\s/.test(ch)) { i++; continue; }

    const emo = emoticonAt(text, i);
    if (emo !== null) { out.push({ kind: 'emoticon', raw: emo }); i += emo.length; continue; }

    const arrow = ['->', '=>', '>>'].find((a) => text.startsWith(a, i));
    if (arrow !== undefined) { out.push({ kind: 'punct', raw: arrow }); i += arrow.length; continue; }
    if (SEQUENCE_PUNCT.has(ch)) { out.push({ kind: 'punct', raw: ch }); i++; continue; }

    const emoji = matchAt(EMOJI_RE, text, i);
    if (emoji !== null && emoji.length > 0) { out.push({ kind: 'emoji', raw: emoji }); i += emoji.length; continue; }

    // Numbers, optionally negative ("-5s") and with an attached unit ("2s", "500ms", "1e308s").
    let neg = false;
    let j = i;
    if ((ch === '-' || ch === '\u2212') && /[\d.]/.test(text[i + 1] ?? '') && !isAlnum(text[i - 1])) { neg = true; j = i + 1; }
    const num = /[\d.]/.test(text[j] ?? '') ? matchAt(NUMBER_RE, text, j) : null;
    if (num !== null && !(num.length === 1 && num === '.')) {
      const value = (neg ? -1 : 1) * Number(num);
      let end = j + num.length;
      const unit = matchAt(UNIT_RE, text, end);
      if (unit !== null && DURATION_UNITS.has(unit.toLowerCase())) {
        end += unit.length;
        out.push({ kind: 'duration', raw: text.slice(i, end), seconds: value * (DURATION_UNITS.get(unit.toLowerCase()) ?? 1) });
      } else {
        out.push({ kind: 'number', raw: text.slice(i, end), value });
      }
      i = end;
      continue;
    }

    const word = matchAt(WORD_RE, text, i);
    if (word !== null) {
      const trimmed = word.replace(/'+$/, '');
      const raw = trimmed.length > 0 ? trimmed : word;
      out.push({ kind: 'word', raw, norm: raw.toLowerCase() });
      i += word.length;
      continue;
    }

    const p = matchAt(PUNCT_RUN_RE, text, i);
    if (p !== null) { out.push({ kind: 'punct', raw: p }); i += p.length; continue; }

    // Any other symbol: skip the whole code point.
    const cp = text.codePointAt(i) ?? 0;
    i += cp > 0xffff ? 2 : 1;
  }
  return out;
}
