import type { ReportDocument, Section } from '../document/model.js';
import type { ReportInput, ReportProfile } from './report-input.js';
import {
  allowedFoods,
  bannedTerms,
  challengeCategory,
  conditionFlags,
  foodsForBudget,
  medicationList,
  servings,
} from './rules.js';
import { SECTIONS, type Ctx } from './sections.js';

/**
 * The offline composer: writes every section of the report from rules and templates. Pure and
 * deterministic — the same input gives a byte-identical document — and it never names a food the
 * person is allergic to, avoids, or (dairy) does not tolerate.
 */
export const SECTION_TITLES: Record<number, { key: string; title: string }> = {
  1: { key: 'cover', title: 'Your personal protocol' },
  2: { key: 'mission_brief', title: 'Mission brief' },
  3: { key: 'daily_targets', title: 'Your daily targets' },
  4: { key: 'why_it_works', title: 'Why this protocol works for you' },
  5: { key: 'first_action', title: 'Your first action step' },
  6: { key: 'timeline_30_days', title: 'Your 30-day timeline' },
  7: { key: 'biggest_challenge', title: 'Your biggest challenge, addressed' },
  8: { key: 'medical_disclaimer', title: 'Medical disclaimer' },
  9: { key: 'closing', title: 'A personal closing' },
  10: { key: 'food_pyramid', title: 'Your food pyramid' },
  11: { key: 'daily_eating', title: 'Daily eating patterns' },
  12: { key: 'grocery_lists', title: 'Weekly grocery lists' },
  13: { key: 'physician_guide', title: 'Physician consultation guide' },
  14: { key: 'kryptonite', title: 'Conquering your kryptonite' },
  15: { key: 'dining_out', title: 'Dining out and travel survival guide' },
  16: { key: 'science', title: 'The science and evidence' },
  17: { key: 'lab_reference', title: 'Laboratory reference guide' },
  18: { key: 'electrolytes', title: 'Electrolyte protocol' },
  19: { key: 'adaptation_timeline', title: 'Adaptation timeline' },
  20: { key: 'stall_breaker', title: 'Stall-breaker protocol' },
  21: { key: 'symptom_tracker', title: '30-day symptom tracker' },
};

function context(input: ReportInput): Ctx {
  const p = input.profile;
  return {
    p,
    m: input.macros,
    tier: input.tier,
    name: p.first_name.trim(),
    foods: foodsForBudget(allowedFoods(p), p.budget),
    flags: conditionFlags(p.conditions),
    meds: medicationList(p.medications),
    challenge: challengeCategory(p.biggest_challenge),
    servings: servings(p.family_situation),
    carnivore: p.diet_type === 'carnivore',
  };
}

export function composeSection(input: ReportInput, number: number): Section {
  const meta = SECTION_TITLES[number];
  if (!meta) throw new Error(`no section ${number}`);
  return { key: meta.key, number, title: meta.title, blocks: SECTIONS[meta.key]!(context(input)) };
}

/** The whole report for the tier's section list. */
export function composeReport(input: ReportInput): ReportDocument {
  const name = input.profile.first_name.trim();
  const doc: ReportDocument = {
    title: `${name}'s ${input.profile.diet_type === 'carnivore' ? 'Carnivore' : 'Nutrition'} Protocol`,
    subtitle: `A personalised ${input.tier.name} report`,
    generatedFor: `${name} ${input.profile.last_name}`.trim(),
    sections: [...input.tier.sections].sort((a, b) => a - b).map((n) => composeSection(input, n)),
  };
  const leak = findBannedText(input.profile, doc);
  if (leak) throw new Error(`composer produced a banned term: ${leak}`);
  return doc;
}

/** All the text of a document, for checks. */
export function documentText(doc: ReportDocument | Section[]): string {
  const sections = Array.isArray(doc) ? doc : doc.sections;
  return sections
    .flatMap((s) => [
      s.title,
      ...s.blocks.flatMap((b) =>
        b.type === 'list'
          ? b.items
          : b.type === 'table'
            ? [...b.columns, ...b.rows.flat()]
            : b.type === 'callout'
              ? [b.title ?? '', b.text]
              : [b.text],
      ),
    ])
    .join('\n');
}

/** Allergens and (by dairy tolerance) dairy are banned everywhere; returns the first leak found. */
export function findBannedText(p: ReportProfile, doc: ReportDocument | Section[]): string | null {
  // the allergy words only (avoided foods are the person's own words, quoted back to them)
  const terms = bannedTerms({ ...p, avoid_foods: undefined });
  if (!terms.length) return null;
  const text = documentText(doc).replace(new RegExp(quoted(p), 'g'), '');
  const m = new RegExp(`\\b(?:${terms.join('|')})`, 'i').exec(text);
  return m ? m[0] : null;
}

/** The person's own words are quoted back to them; they are not suggestions. */
function quoted(p: ReportProfile): string {
  const own = [p.biggest_challenge, p.what_worked, p.additional_notes].filter(
    (s): s is string => !!s?.trim(),
  );
  return own.length
    ? own.map((s) => `"${s.trim().replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"`).join('|')
    : '(?!)';
}
