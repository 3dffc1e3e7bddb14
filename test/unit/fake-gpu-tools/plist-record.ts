// Small readers for powermetrics plist records, written for these tests only.

/** The record with every value blanked: keys, tags, types and line breaks stay. */
export function getSkeleton(record: string): string {
  return record.replace(/(<\/key><(\w+)>)[^<]*(<\/\2>)/g, '$1$3');
}

/** Every opened tag is closed in order; self-closing tags and the prolog are allowed. */
export function isWellFormed(record: string): boolean {
  const stack: string[] = [];
  for (const match of record.matchAll(/<(\/?)([A-Za-z]+)[^>]*?(\/?)>/g)) {
    const [, closing, name = '', selfClosing] = match;
    if (selfClosing === '/') {
      continue;
    }
    if (closing === '/') {
      if (stack.pop() !== name) {
        return false;
      }
    } else {
      stack.push(name);
    }
  }
  return stack.length === 0 && record.startsWith('<?xml') && record.endsWith('</plist>\n');
}

/** The text of every `<key>name</key><type>value</type>` line, in order. */
export function getValues(record: string, key: string): string[] {
  return [...record.matchAll(new RegExp(`<key>${key}</key><\\w+>([^<]*)</\\w+>`, 'g'))].map((match) => match[1] ?? '');
}

/** Keys in document order, to compare key order with the real record. */
export function getKeys(record: string): string[] {
  return [...record.matchAll(/<key>([^<]+)<\/key>/g)].map((match) => match[1] ?? '');
}

/** used_ns of each dict in one of the arrays dvfm_states, sw_requested_state, sw_state. */
export function getArrayValues(record: string, arrayKey: string, key: 'used_ns' | 'used_ratio'): number[] {
  const start = record.indexOf(`<key>${arrayKey}</key>\n<array>`);
  const end = record.indexOf('</array>', start);
  return getValues(record.slice(start, end), key).map(Number);
}
