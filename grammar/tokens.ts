// Token types. grammar/lexer.ts produces them (hand-written, context-aware scanning: paths and points are
// single no-space lexemes); chevrotain only matches their types, so every pattern here is Lexer.NA.

import { createToken, Lexer, type TokenType } from 'chevrotain';

function token(name: string, label: string, categories?: TokenType[]): TokenType {
  return createToken({ name, pattern: Lexer.NA, label, ...(categories ? { categories } : {}) });
}

// Words: a CamelCase identifier, or a run of point characters (points, keys, numbers, versions, `*`).
export const Ident = token('Ident', 'a name');
export const Word = token('Word', 'a word');
/** `*` and `**` are Words too, told apart by image where it matters. */
export const StarWord = token('StarWord', '`*`', [Word]);
/** Command keywords are Words with their own type so the parser can choose a command in one token. */
export const KwCreate = token('KwCreate', '`create`', [Word]);
export const KwPublish = token('KwPublish', '`publish`', [Word]);
export const KwSelect = token('KwSelect', '`select`', [Word]);
export const KwSet = token('KwSet', '`set`', [Word]);
export const KwGet = token('KwGet', '`get`', [Word]);
export const KwDelete = token('KwDelete', '`delete`', [Word]);
export const KwWatch = token('KwWatch', '`watch`', [Word]);
export const KwSend = token('KwSend', '`send`', [Word]);
export const KwExit = token('KwExit', '`exit`', [Word]);

export const Path = token('Path', 'a path pattern');
export const StringLiteral = token('StringLiteral', 'a string');

// Steps of the pipeline DSL.
export const Arrow = token('Arrow', '`->`');
export const FatArrow = token('FatArrow', '`=>`');
export const RequestCheckOpen = token('RequestCheckOpen', '`-[`');
export const ResponseCheckOpen = token('ResponseCheckOpen', '`=[`');
export const CheckCloseArrow = token('CheckCloseArrow', '`]->`');
export const CheckCloseFatArrow = token('CheckCloseFatArrow', '`]=>`');
/** `]=` or `]-` with no `>`: an unterminated step, reported as E0110 and parsed as if complete. */
export const BrokenCheckClose = token('BrokenCheckClose', '`]->` or `]=>`');

// Stops.
export const CoreStop = token('CoreStop', '`(( ))`');
export const LegacyCoreStop = token('LegacyCoreStop', '`{{ }}`');

// Punctuation.
export const LCurly = token('LCurly', '`{`');
/** The braces of `Map{...}` in a payload pattern. */
export const MapOpen = token('MapOpen', '`{`');
export const MapClose = token('MapClose', '`}`');
export const RCurly = token('RCurly', '`}`');
export const LParen = token('LParen', '`(`');
export const RParen = token('RParen', '`)`');
export const LAngle = token('LAngle', '`<`');
export const RAngle = token('RAngle', '`>`');
export const LBracket = token('LBracket', '`[`');
export const RBracket = token('RBracket', '`]`');
export const Semi = token('Semi', '`;`');
export const Comma = token('Comma', '`,`');
export const Equals = token('Equals', '`=`');
export const Plus = token('Plus', '`+`');
export const PlusAt = token('PlusAt', '`+@`');
export const Bang = token('Bang', '`!`');
export const Question = token('Question', '`?`');
export const Amp = token('Amp', '`&`');
export const Caret = token('Caret', '`^`');
export const CaretBracket = token('CaretBracket', '`^[`');
export const Percent = token('Percent', '`%`');
export const Tilde = token('Tilde', '`~`');
export const Dash = token('Dash', '`-`');

export const ALL_TOKENS: TokenType[] = [
  Ident, Word, StarWord, KwCreate, KwPublish, KwSelect, KwSet, KwGet, KwDelete, KwWatch, KwSend, KwExit,
  Path, StringLiteral, Arrow, FatArrow, RequestCheckOpen, ResponseCheckOpen, CheckCloseArrow,
  CheckCloseFatArrow, BrokenCheckClose, CoreStop, LegacyCoreStop, LCurly, RCurly, MapOpen, MapClose, LParen, RParen, LAngle,
  RAngle, LBracket, RBracket, Semi, Comma, Equals, Plus, PlusAt, Bang, Question, Amp, Caret, CaretBracket,
  Percent, Tilde, Dash,
];

export const KEYWORDS: ReadonlyMap<string, TokenType> = new Map([
  ['create', KwCreate], ['publish', KwPublish], ['select', KwSelect], ['set', KwSet], ['get', KwGet],
  ['delete', KwDelete], ['watch', KwWatch], ['send', KwSend], ['exit', KwExit],
]);
