/** A value of an XML property list. */
export type PlistValue = string | number | boolean | Date | Uint8Array | readonly PlistValue[] | PlistDict;

export interface PlistDict {
  readonly [key: string]: PlistValue;
}

interface TagToken {
  readonly kind: 'open' | 'close' | 'empty';
  readonly name: string;
  readonly offset: number;
}
type Token = TagToken | { readonly kind: 'text'; readonly text: string; readonly offset: number };

const TAG = /^<(\/?)([A-Za-z][\w.-]*)(?:\s[^>]*?)?(\/?)>$/;
const ENTITIES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** Returns true for a plist `<dict>` (as opposed to an array, a date or a scalar). */
export function isPlistDict(value: PlistValue | undefined): value is PlistDict {
  return typeof value === 'object' && !Array.isArray(value) && !(value instanceof Date) && !(value instanceof Uint8Array);
}

/** Parses one XML plist document (the subset Apple's tools write); throws SyntaxError on anything else. */
export function parsePlistXml(xml: string): PlistValue {
  const tokens = tokenize(xml);
  let position = 0;

  const next = (): Token => {
    // Whitespace between elements carries no meaning outside <string>.
    for (let token = tokens[position]; token?.kind === 'text' && token.text.trim() === ''; token = tokens[position]) position += 1;
    const token = tokens[position];
    if (token === undefined) throw new SyntaxError('plist ends before the document is complete');
    position += 1;
    return token;
  };
  const expectClose = (name: string): void => {
    const token = next();
    if (token.kind !== 'close' || token.name !== name) throw unexpected(token, `</${name}>`);
  };
  const textUntilClose = (name: string): string => {
    let text = '';
    for (let token = tokens[position]; token?.kind === 'text'; token = tokens[position]) {
      text += token.text;
      position += 1;
    }
    expectClose(name);
    return decodeEntities(text);
  };

  const parseValue = (token: Token): PlistValue => {
    if (token.kind === 'empty') return emptyValue(token);
    if (token.kind !== 'open') throw unexpected(token, 'a value element');
    switch (token.name) {
      case 'dict': {
        const dict: Record<string, PlistValue> = Object.create(null) as Record<string, PlistValue>;
        for (let key = next(); !(key.kind === 'close' && key.name === 'dict'); key = next()) {
          if (key.kind !== 'open' || key.name !== 'key') throw unexpected(key, '<key> or </dict>');
          const name = textUntilClose('key');
          // A repeated key keeps its last value, as CFPropertyList does (powermetrics repeats idle_ns/idle_ratio).
          dict[name] = parseValue(next());
        }
        return dict;
      }
      case 'array': {
        const items: PlistValue[] = [];
        for (let item = next(); !(item.kind === 'close' && item.name === 'array'); item = next()) items.push(parseValue(item));
        return items;
      }
      case 'string':
        return textUntilClose('string');
      case 'integer':
        return parseNumber(textUntilClose('integer'), /^[+-]?\d+$/, token);
      case 'real':
        return parseNumber(textUntilClose('real'), /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/, token);
      case 'date': {
        const date = new Date(textUntilClose('date').trim());
        if (Number.isNaN(date.getTime())) throw new SyntaxError(`unreadable <date> at offset ${token.offset}`);
        return date;
      }
      case 'data':
        return Uint8Array.from(atob(textUntilClose('data').replace(/\s+/g, '')), (char) => char.charCodeAt(0));
      case 'true':
      case 'false':
        expectClose(token.name);
        return token.name === 'true';
      default:
        throw unexpected(token, 'a value element');
    }
  };

  const root = next();
  if (root.kind !== 'open' || root.name !== 'plist') throw unexpected(root, '<plist>');
  const value = parseValue(next());
  expectClose('plist');
  if (tokens.slice(position).some((token) => token.kind !== 'text' || token.text.trim() !== '')) {
    throw new SyntaxError('content after </plist>');
  }
  return value;
}

function tokenize(xml: string): Token[] {
  const tokens: Token[] = [];
  let offset = 0;
  while (offset < xml.length) {
    const lt = xml.indexOf('<', offset);
    if (lt === -1 || lt > offset) {
      const end = lt === -1 ? xml.length : lt;
      tokens.push({ kind: 'text', text: xml.slice(offset, end), offset });
      offset = end;
      continue;
    }
    // Prolog, doctype and comments carry no data.
    const skipTo = xml.startsWith('<?', lt) ? '?>' : xml.startsWith('<!--', lt) ? '-->' : xml.startsWith('<!', lt) ? '>' : '';
    const end = xml.indexOf(skipTo === '' ? '>' : skipTo, lt);
    if (end === -1) throw new SyntaxError(`unterminated markup at offset ${lt}`);
    offset = end + Math.max(skipTo.length, 1);
    if (skipTo !== '') continue;
    const tag = TAG.exec(xml.slice(lt, offset));
    if (tag === null) throw new SyntaxError(`malformed tag at offset ${lt}`);
    const name = tag[2] ?? '';
    const kind = tag[1] === '/' ? 'close' : tag[3] === '/' ? 'empty' : 'open';
    tokens.push({ kind, name, offset: lt });
  }
  return tokens;
}

function emptyValue(token: TagToken): PlistValue {
  switch (token.name) {
    case 'true':
      return true;
    case 'false':
      return false;
    case 'string':
      return '';
    case 'dict':
      return Object.create(null) as PlistDict;
    case 'array':
      return [];
    case 'data':
      return new Uint8Array();
    default:
      throw unexpected(token, 'a value element');
  }
}

function parseNumber(text: string, pattern: RegExp, token: Token): number {
  const trimmed = text.trim();
  if (!pattern.test(trimmed)) throw new SyntaxError(`unreadable number "${trimmed}" at offset ${token.offset}`);
  return Number(trimmed);
}

function decodeEntities(text: string): string {
  return text.replace(/&(#x[\da-f]+|#\d+|\w+);/gi, (whole, entity: string) => {
    if (entity.startsWith('#x') || entity.startsWith('#X')) return String.fromCodePoint(Number.parseInt(entity.slice(2), 16));
    if (entity.startsWith('#')) return String.fromCodePoint(Number.parseInt(entity.slice(1), 10));
    return ENTITIES[entity] ?? whole;
  });
}

function unexpected(token: Token, expected: string): SyntaxError {
  const found =
    token.kind === 'text'
      ? `text "${token.text.trim().slice(0, 20)}"`
      : `<${token.kind === 'close' ? '/' : ''}${token.name}${token.kind === 'empty' ? '/' : ''}>`;
  return new SyntaxError(`expected ${expected} at offset ${token.offset}, found ${found}`);
}
