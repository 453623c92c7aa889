import { ALLERGEN_ENTRIES, type AllergenEntry } from './allergens.js';
import { DIET_TAG_ENTRIES, type DietTagEntry } from './diet-tags.js';

/**
 * The one place allergen and diet-tag codes are interpreted. Every entry point — product and
 * customer writes, CSV ingest, the calculator, diet rules, search filters — turns what it is given
 * into canonical codes here; every place that filters by allergen asks `allergenExclusions` what a
 * customer's allergies rule out. Unknown codes are never dropped (dropping an allergen is the unsafe
 * direction): they are kept in code form and reported.
 */

/**
 * A list as vendors write it in one cell: `milk|soy`, `Milk; Soybeans`, `Egg, Crustacean Shellfish`,
 * never splitting inside brackets (`Cereals containing gluten (wheat, barley)` is one entry).
 */
export function splitList(cell: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of cell.replace(/^[{\s]+|[}\s]+$/g, '')) {
    if (ch === '(' || ch === '[') depth++;
    if ((ch === ')' || ch === ']') && depth > 0) depth--;
    if (depth === 0 && (ch === '|' || ch === ';' || ch === ',')) {
      if (current.trim()) out.push(current.trim());
      current = '';
    } else current += ch;
  }
  if (current.trim()) out.push(current.trim());
  return out;
}

/** A term in code form: lower case, separators as `_` (`Crustacean shellfish` → `crustacean_shellfish`). */
export function codeForm(raw: string): string {
  return raw
    .normalize('NFKD')
    .replace(/\p{M}/gu, '') // accents: `crème` → `creme`
    .toLowerCase()
    .replace(/['’`]/g, '') // `cow's milk` → `cows_milk`
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

interface Vocabulary<E extends { code: string; label: string; synonyms: readonly string[] }> {
  entries: Map<string, E>;
  /** Any spelling in code form → canonical code. */
  terms: Map<string, string>;
}

function vocabulary<E extends { code: string; label: string; synonyms: readonly string[] }>(
  entries: readonly E[],
): Vocabulary<E> {
  const byCode = new Map(entries.map((e) => [e.code, e]));
  const terms = new Map<string, string>();
  for (const e of entries) {
    // the label is a spelling too ("Khorasan wheat (kamut)", "Milk (dairy)")
    for (const term of [e.code, ...e.synonyms, e.label]) {
      const key = codeForm(term);
      const other = terms.get(key);
      if (other !== undefined && other !== e.code)
        throw new Error(`"${term}" names both ${other} and ${e.code}`);
      terms.set(key, e.code);
    }
  }
  return { entries: byCode, terms };
}

const ALLERGENS = vocabulary<AllergenEntry>(ALLERGEN_ENTRIES);
const DIET_TAGS = vocabulary<DietTagEntry>(DIET_TAG_ENTRIES);

export const ALLERGEN_CODES: readonly string[] = ALLERGEN_ENTRIES.map((e) => e.code);
export const DIET_TAG_CODES: readonly string[] = DIET_TAG_ENTRIES.map((e) => e.code);

const children = new Map<string, string[]>();
for (const e of ALLERGEN_ENTRIES) {
  if (e.parent) children.set(e.parent, [...(children.get(e.parent) ?? []), e.code]);
}

export function allergenEntry(code: string): AllergenEntry | undefined {
  return ALLERGENS.entries.get(code);
}

export function dietTagEntry(code: string): DietTagEntry | undefined {
  return DIET_TAGS.entries.get(code);
}

/** The groups an allergen belongs to, nearest first (crab → crustaceans, shellfish). */
export function allergenAncestors(code: string): string[] {
  const out: string[] = [];
  for (let p = ALLERGENS.entries.get(code)?.parent; p; p = ALLERGENS.entries.get(p)?.parent) out.push(p);
  return out;
}

/** Everything an allergen group contains, at every depth. */
export function allergenDescendants(code: string): string[] {
  const out: string[] = [];
  const walk = (c: string) => {
    for (const child of children.get(c) ?? []) {
      out.push(child);
      walk(child);
    }
  };
  walk(code);
  return out;
}

export function allergenChildren(code: string): string[] {
  return children.get(code) ?? [];
}

export interface Normalised {
  /** Canonical codes (unknown ones in code form), unique and sorted. */
  codes: string[];
  /** The codes the vocabulary does not know, as kept. */
  unknown: string[];
}

function normalise(
  vocab: Vocabulary<{ code: string; label: string; synonyms: readonly string[] }>,
  raw: readonly string[],
): Normalised {
  const codes = new Set<string>();
  const unknown = new Set<string>();
  for (const value of raw) {
    // "Cereals containing gluten (wheat, barley)", "Nuts (almonds)": the specific names inside, when known
    const inner = /^([^()]*)\(([^()]*)\)\s*$/.exec(value);
    if (inner && !vocab.terms.has(codeForm(value))) {
      const specific = splitList(inner[2]!).map((p) => vocab.terms.get(codeForm(p)));
      const outer = vocab.terms.get(codeForm(inner[1]!));
      if (specific.length && specific.every((c) => c !== undefined)) {
        specific.forEach((c) => codes.add(c!));
        continue;
      }
      if (outer !== undefined) {
        codes.add(outer);
        continue;
      }
    }
    const key = codeForm(value);
    if (!key) {
      // nothing a code can be made of (`@@@`, a name in another script): kept as sent, so the
      // validators refuse it loudly rather than it vanishing
      if (value.trim()) {
        codes.add(value.trim());
        unknown.add(value.trim());
      }
      continue;
    }
    const code = vocab.terms.get(key);
    if (code !== undefined) codes.add(code);
    else {
      codes.add(key);
      unknown.add(key);
    }
  }
  return { codes: [...codes].sort(), unknown: [...unknown].sort() };
}

/** Allergens as written anywhere (`Soya`, `crustacean shellfish`, `dairy`) → canonical codes. */
export function normaliseAllergens(raw: readonly string[]): Normalised {
  return normalise(ALLERGENS, raw);
}

export interface NormalisedTags extends Normalised {
  /** Tags dropped because the product's allergens contradict them (gluten_free with wheat). */
  contradicted: { tag: string; allergen: string }[];
}

/**
 * Diet tags → canonical codes, with the tags they imply (vegan → vegetarian, dairy_free, egg_free)
 * and without those the product's (canonical) allergens contradict.
 */
export function normaliseDietTags(raw: readonly string[], allergens: readonly string[] = []): NormalisedTags {
  const { codes, unknown } = normalise(DIET_TAGS, raw);
  const all = new Set(codes);
  const pending = [...codes];
  while (pending.length) {
    for (const implied of DIET_TAGS.entries.get(pending.pop()!)?.implies ?? []) {
      if (!all.has(implied)) {
        all.add(implied);
        pending.push(implied);
      }
    }
  }
  const declared = new Set(allergens);
  const contradicted: { tag: string; allergen: string }[] = [];
  for (const tag of [...all]) {
    for (const group of DIET_TAGS.entries.get(tag)?.contradictedBy ?? []) {
      const hit = [group, ...allergenDescendants(group)].find((a) => declared.has(a));
      if (hit) {
        contradicted.push({ tag, allergen: hit });
        all.delete(tag);
        break;
      }
    }
  }
  return { codes: [...all].sort(), unknown, contradicted };
}

/** Diet tags as a shopper's preference or a filter: canonical codes (no implications added). */
export function canonicalDietTags(raw: readonly string[]): Normalised {
  return normalise(DIET_TAGS, raw);
}

/**
 * The codes an allergy to each of `codes` rules out: the allergen, every member of its group
 * (shellfish → crustaceans, molluscs, shrimp, …) and every group it belongs to (an almond allergy
 * rules out a product declaring only "tree nuts": it may be almonds), canonical codes only; unknown
 * codes (in code form) rule out themselves. What a product stored through any entry point declares.
 */
export function allergenExclusionCodes(codes: readonly string[]): string[] {
  const out = new Set<string>();
  for (const raw of codes) {
    const code = ALLERGENS.terms.get(codeForm(raw)) ?? codeForm(raw);
    for (const c of [code, ...allergenAncestors(code), ...allergenDescendants(code)]) out.add(c);
  }
  return [...out].sort();
}

/** Each of `codes` with every other spelling of it, in code form (a stored non-canonical code is caught too). */
export function allergenSpellings(codes: readonly string[]): string[] {
  const out = new Set<string>();
  for (const c of codes) {
    out.add(c);
    const entry = ALLERGENS.entries.get(c);
    for (const s of [...(entry?.synonyms ?? []), ...(entry ? [entry.label] : [])]) out.add(codeForm(s));
  }
  return [...out].sort();
}

/**
 * {@link allergenExclusionCodes} with every other spelling of each: what the checks of a product's
 * declared allergens compare with.
 */
export function allergenExclusions(codes: readonly string[]): string[] {
  return allergenSpellings(allergenExclusionCodes(codes));
}

/** Does a product declaring `declared` contain anything someone allergic to `allergies` must avoid? */
export function containsAllergen(declared: readonly string[], allergies: readonly string[]): boolean {
  if (!allergies.length || !declared.length) return false;
  const excluded = new Set(allergenExclusions(allergies));
  return declared.some((a) => excluded.has(codeForm(a)));
}

/**
 * The codes a match reason names for `allergies`: each allergen, the groups it belongs to and the
 * groups it contains (shellfish → shellfish, crustaceans, molluscs), without repeating.
 */
export function checkedAllergens(allergies: readonly string[]): string[] {
  const out: string[] = [];
  const add = (c: string) => {
    if (!out.includes(c)) out.push(c);
  };
  for (const raw of allergies) {
    const code = ALLERGENS.terms.get(codeForm(raw)) ?? codeForm(raw);
    add(code);
    allergenAncestors(code).forEach(add);
    // the groups it contains (shellfish: crustaceans, molluscs), not every species (fish: salmon, …)
    allergenChildren(code)
      .filter((c) => allergenChildren(c).length > 0)
      .forEach(add);
  }
  return out;
}

/** Display labels of codes (an unknown code shows as itself). */
export function allergenLabels(codes: readonly string[]): string[] {
  return codes.map((c) => ALLERGENS.entries.get(c)?.label.toLowerCase() ?? c.replace(/_/g, ' '));
}

/** Food words (regular-expression fragments) a report must not use for someone with these allergies. */
export function allergenWords(allergies: readonly string[]): string[] {
  const words = new Set<string>();
  for (const c of allergenExclusions(allergies)) {
    for (const w of ALLERGENS.entries.get(c)?.words ?? []) words.add(w);
  }
  return [...words];
}

/**
 * A JSON value's codes in canonical form, for a DTO's transform: a list of strings is normalised
 * (allergens, or diet tags without implications); anything else is left for the validators to refuse.
 */
export function canonicalList(kind: 'allergens' | 'diet_tags'): (value: unknown) => unknown {
  const normalise = kind === 'allergens' ? normaliseAllergens : canonicalDietTags;
  return (value) =>
    Array.isArray(value) && value.every((v) => typeof v === 'string') ? normalise(value).codes : value;
}

/**
 * A short fingerprint of the vocabulary: what a CSV line's digest includes, so a line read with
 * another vocabulary (a new synonym, a new member of a group) is processed again.
 */
export const VOCABULARY_VERSION: string = (() => {
  const text = JSON.stringify([ALLERGEN_ENTRIES, DIET_TAG_ENTRIES]);
  let h = 0x811c9dc5; // FNV-1a, 32 bits: a change detector, not a security boundary
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
})();
