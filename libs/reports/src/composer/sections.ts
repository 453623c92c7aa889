import { ACTIVITY, CONDITIONS, GOALS, SYMPTOMS } from '#libs/calculator';
import type { Block } from '../document/model.js';
import type { Food } from './foods.js';
import type { ReportInput, ReportProfile } from './report-input.js';
import {
  medicationName,
  needsDiningOutGuide,
  pick,
  previousDietNote,
  tone,
  type ChallengeCategory,
  type ConditionFlags,
} from './rules.js';

/**
 * The composer's content: what each section says, written from the person's profile (Ctx).
 * A content table — long by nature; the composing itself is in composer.ts.
 */
export interface Ctx {
  p: ReportProfile;
  m: ReportInput['macros'];
  tier: ReportInput['tier'];
  name: string;
  foods: Food[];
  flags: ConditionFlags;
  meds: string[];
  challenge: ChallengeCategory;
  servings: number;
  carnivore: boolean;
}

const label = (choices: { value: string; label: string }[], value: string) =>
  choices.find((c) => c.value === value)?.label ?? value;
const lbs = (kg: number) => Math.round(kg / 0.45359237);
/** A weight or range in the units the person entered (kg, or lb for imperial). */
const imperial = (c: Ctx) => c.p.units === 'imperial';
const weightRange = (c: Ctx, kg: [number, number], imperialLb: [number, number]) =>
  imperial(c) ? `${imperialLb[0]}–${imperialLb[1]} lb` : `${kg[0]}–${kg[1]} kg`;
const join = (items: string[]) =>
  items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
const p = (text: string): Block => ({ type: 'paragraph', text });
const h = (text: string): Block => ({ type: 'heading', text });
const list = (items: string[], ordered = false): Block => ({ type: 'list', items, ordered });
const callout = (tone: 'info' | 'warning' | 'success', text: string, title?: string): Block => ({
  type: 'callout',
  tone,
  text,
  ...(title ? { title } : {}),
});

function proteins(c: Ctx, count: number): string[] {
  return pick(c.foods, ['ruminant', 'poultry', 'pork', 'fish'], count);
}
function fats(c: Ctx): string[] {
  return pick(c.foods, ['fat', 'dairy'], 3).filter((f) => !/cheddar|milk|cream/.test(f));
}
function mainProtein(c: Ctx): string {
  return proteins(c, 1)[0] ?? 'your chosen meat';
}

export const SECTIONS: Record<string, (c: Ctx) => Block[]> = {
  cover: (c) => [
    p(`Prepared for ${c.name} ${c.p.last_name} — ${c.tier.name} report.`),
    list([
      `Goal: ${c.p.goal === 'lose' ? `lose fat with a ${c.p.deficit_percentage}% deficit` : c.p.goal === 'gain' ? `gain with a ${c.p.deficit_percentage}% surplus` : 'maintain your weight'}`,
      `Approach: ${c.p.diet_type}`,
      `Daily energy: ${c.m.calories} kcal`,
    ]),
  ],

  mission_brief: (c) => {
    const t = tone(c.p.conditions);
    const opening =
      t === 'urgent'
        ? `${c.name}, this plan puts your blood sugar first. Every choice below is made to keep glucose steady and to work with your doctor, not around them.`
        : t === 'healing'
          ? `${c.name}, this plan is about calming your system down: fewer triggers, simpler meals, and time for your body to heal.`
          : `${c.name}, this plan is about optimising what already works: energy, body composition and long-term health.`;
    const blocks = [p(opening)];
    const history = previousDietNote(c.p);
    if (history) blocks.push(p(history));
    if (c.p.what_worked)
      blocks.push(
        p(`You told us what worked before: "${c.p.what_worked}". We kept that in mind throughout.`),
      );
    const goals = (c.p.goals ?? []).map((g) => label(GOALS.choices, g).toLowerCase());
    if (goals.length)
      blocks.push(p(`Your priorities: ${join(goals)}. The sections below are built around them.`));
    return blocks;
  },

  daily_targets: (c) => [
    p(`${c.name}, these numbers come from your own measurements; they are the backbone of every meal.`),
    {
      type: 'table',
      columns: ['Target', 'Per day', 'How it was set'],
      rows: [
        [
          'Calories',
          `${c.m.calories} kcal`,
          c.p.goal === 'maintain'
            ? 'your maintenance (TDEE)'
            : `TDEE ${c.m.tdee} kcal ${c.p.goal === 'lose' ? '−' : '+'} ${c.p.deficit_percentage}%`,
        ],
        ['Protein', `${c.m.protein_grams} g`, `0.7 g per lb of body weight (${lbs(c.p.weight_kg)} lb)`],
        ['Fat', `${c.m.fat_grams} g`, 'the remaining energy'],
        ['Carbohydrates', `${c.m.carbs_grams} g or less`, `${c.p.diet_type} limit`],
        [
          'Basal metabolic rate',
          `${c.m.bmr} kcal`,
          c.m.calculation_method === 'katch_mcardle' ? 'Katch-McArdle (lean mass)' : 'Mifflin-St Jeor',
        ],
        ['Total daily energy use', `${c.m.tdee} kcal`, label(ACTIVITY.choices, c.p.lifestyle_activity)],
      ],
    },
    callout(
      'info',
      'Hit protein first, then eat fat to satiety. Calories follow when protein is right.',
      'Rule of thumb',
    ),
  ],

  why_it_works: (c) => {
    const blocks: Block[] = [];
    if (c.flags.bloodSugar) {
      blocks.push(h('For blood sugar and diabetes'));
      blocks.push(
        p(
          `With almost no carbohydrate, ${c.name}, there is little to spike your glucose: readings usually flatten within days, and insulin needs fall.`,
        ),
      );
      if (c.meds.length)
        blocks.push(
          callout(
            'warning',
            'Glucose-lowering medication may need a lower dose as soon as carbohydrates drop. Check with your doctor before you start.',
            'Medication',
          ),
        );
    }
    if (c.flags.bloodPressure) {
      blocks.push(h('For blood pressure'));
      blocks.push(
        p(
          'Lower insulin makes the kidneys release sodium and water, so blood pressure often falls in the first weeks. Measure it at home twice a week.',
        ),
      );
    }
    if (c.flags.gut) {
      blocks.push(h('For your gut'));
      blocks.push(
        p(
          'Removing fibre and fermentable carbohydrates gives an irritated gut a rest; many people notice less bloating within two weeks.',
        ),
      );
    }
    if (c.flags.autoimmune) {
      blocks.push(h('For inflammation'));
      blocks.push(
        p(
          'A short list of foods is also an elimination diet: fewer potential triggers, and a clear way to test them one by one later.',
        ),
      );
    }
    const goals = c.p.goals ?? [];
    if (goals.includes('weight_loss') || c.p.goal === 'lose') {
      blocks.push(h('For weight loss'));
      blocks.push(
        p('Protein and fat keep you full for longer, so a deficit stops feeling like hunger management.'),
      );
    }
    if (goals.includes('mental_clarity') || (c.p.symptoms ?? []).includes('brain_fog')) {
      blocks.push(h('For mental clarity'));
      blocks.push(
        p(
          'Steady blood sugar and ketones give the brain a constant fuel supply: fewer mid-afternoon crashes.',
        ),
      );
    }
    if (goals.includes('energy') || (c.p.symptoms ?? []).includes('fatigue')) {
      blocks.push(h('For energy'));
      blocks.push(
        p(
          'Expect a dip in the first one to two weeks while you adapt, then steadier energy through the day.',
        ),
      );
    }
    if (blocks.length < 6) {
      blocks.push(h('For long-term health'));
      blocks.push(
        p('Nutrient-dense animal foods cover protein, iron, zinc and B12 in forms the body absorbs well.'),
      );
    }
    return blocks;
  },

  first_action: (c) => {
    const shopping = [...proteins(c, 3), ...fats(c).slice(0, 1), 'salt'];
    const dinner = mainProtein(c);
    const blocks: Block[] = [
      p(`${c.name}, do one thing today: buy these and cook the dinner below.`),
      list(shopping),
      h("Tonight's dinner"),
      p(
        `${dinner[0]!.toUpperCase()}${dinner.slice(1)}: about ${Math.round(c.m.protein_grams / 3 / 0.25)} g raw per person${c.servings > 1 ? `, ${c.servings} portions` : ''}, seasoned with salt, cooked ${c.p.cooking_skill === 'beginner' ? 'in a hot pan, 4–5 minutes a side' : 'as you like it'}.`,
      ),
    ];
    return blocks;
  },

  timeline_30_days: (c) => {
    const week1 = [
      'Clear the kitchen of the foods you are leaving out.',
      'Salt your food generously; drink to thirst.',
    ];
    if (c.flags.bloodSugar)
      week1.unshift(
        'Monitor your blood sugar morning and evening this week; share the readings with your doctor.',
      );
    if (c.flags.bloodPressure) week1.push('Measure your blood pressure every other day.');
    return [
      h('Week 1 — transition'),
      list(week1),
      p(
        `${c.name}, expect ${weightRange(c, [1, 3], [2, 7])} of water weight to go, and possibly headaches or low energy while you adapt.`,
      ),
      h('Week 2 — adaptation'),
      list(['Keep meals simple and repetitive.', 'Add electrolytes if you feel flat.']),
      h('Weeks 3–4 — momentum'),
      list([
        c.p.goal === 'lose'
          ? `Fat loss settles at roughly ${weightRange(c, [0.5, 1], [1, 2])} a week.`
          : 'Energy and training should feel steadier.',
        'Re-check your numbers on day 30.',
      ]),
    ];
  },

  biggest_challenge: (c) => {
    const challenge = c.p.biggest_challenge?.trim();
    const tactics: Record<ChallengeCategory, string[]> = {
      time: [
        'Batch-cook twice a week: one big tray of meat covers four meals.',
        'Two meals a day is enough on this plan.',
        'Keep a five-minute fallback in the fridge at all times.',
      ],
      social: [
        'Tell people what you are doing in one sentence, then change the subject.',
        'Eat before events; pick the meat dish when you are out.',
        'Host: cook a simple roast for everyone.',
      ],
      consistency: [
        'Design the system, not the willpower: same breakfast every day for 30 days.',
        'Stack the habit on an existing one — shop on the same day each week.',
        'Have an emergency protocol: one off-plan meal is one meal, not a week.',
        'Track one number only: protein eaten today.',
      ],
      cost: [
        'Build meals on the cheapest cuts; buy in bulk and freeze.',
        'Organ meats cost little and carry the most nutrients.',
        'Cook fat from your own cuts instead of buying it.',
      ],
    };
    const blocks: Block[] = [
      p(
        challenge
          ? `You wrote: "${challenge}". ${c.name}, here is how we handle it.`
          : `${c.name}, the most common obstacle is consistency, so that is what we plan for.`,
      ),
      list(tactics[c.challenge], true),
    ];
    if (needsDiningOutGuide(c.p) && !c.tier.sections.includes(15)) {
      blocks.push(h('On the road'), list(diningOutTips(c)));
    }
    return blocks;
  },

  medical_disclaimer: (c) => {
    const blocks: Block[] = [
      p(
        'This report is educational and does not replace medical advice. Talk to your doctor before changing your diet, especially if you take medication or have a medical condition.',
      ),
    ];
    const conditions = (c.p.conditions ?? []).map((x) => label(CONDITIONS.choices, x));
    if (conditions.length)
      blocks.push(p(`You reported: ${join(conditions)}. Involve your doctor from the start.`));
    if (c.meds.length) {
      blocks.push(
        callout(
          'warning',
          `Your medications — ${join(c.meds)} — may need adjusting when your diet changes. Do not change a dose without your doctor.`,
          'Medications',
        ),
      );
      for (const med of c.meds) {
        const name = medicationName(med);
        if (
          /metformin|insulin|glipizide|glyburide|glimepiride|sitagliptin|semaglutide|empagliflozin|dapagliflozin/i.test(
            name,
          )
        ) {
          blocks.push(
            p(
              `${name}: blood sugar can fall quickly on a low-carbohydrate diet; your dose may need to come down.`,
            ),
          );
        } else if (
          /lisinopril|losartan|amlodipine|hydrochlorothiazide|metoprolol|enalapril|ramipril|valsartan/i.test(
            name,
          )
        ) {
          blocks.push(
            p(
              `${name}: blood pressure often drops in the first weeks; watch for dizziness and measure at home.`,
            ),
          );
        } else {
          blocks.push(p(`${name}: ask your doctor or pharmacist whether a change of diet affects it.`));
        }
      }
    }
    return blocks;
  },

  closing: (c) => {
    const blocks = [
      p(
        `${c.name}, you have a plan built on your numbers, your history and your life. It does not need to be perfect; it needs to be repeated.`,
      ),
    ];
    if (c.p.additional_notes)
      blocks.push(p(`You also told us: "${c.p.additional_notes}". Keep that reason in front of you.`));
    blocks.push(p(`One meal at a time, ${c.name}.`));
    return blocks;
  },

  food_pyramid: (c) => [
    h('Foundation: eat most of these'),
    list(pick(c.foods, ['ruminant', 'poultry'], 5)),
    h('Regularly'),
    list(pick(c.foods, ['pork', 'fish', 'eggs', 'organ'], 5)),
    h('Cooking fats'),
    list(fats(c)),
    ...((c.p.dairy_tolerance ?? 'full') === 'full' && pick(c.foods, ['dairy'], 4).length
      ? [h('Dairy, in moderation'), list(pick(c.foods, ['dairy'], 4))]
      : []),
    ...(c.carnivore ? [] : [h('Plants that fit your plan'), list(pick(c.foods, ['plant'], 5))]),
  ],

  daily_eating: (c) => {
    const ps = proteins(c, 4);
    const meal = (i: number) => ps[i % Math.max(ps.length, 1)] ?? 'meat';
    return [
      p(
        `Portions are for ${c.servings} ${c.servings === 1 ? 'person' : 'people'}; each meal carries about a third of your ${c.m.protein_grams} g protein.`,
      ),
      {
        type: 'table',
        columns: ['Day', 'First meal', 'Second meal'],
        rows: [1, 2, 3].map((d) => [`Day ${d}`, meal(d), meal(d + 1)]),
      },
      p(
        c.p.meal_prep_time === 'under_15_min'
          ? 'Everything here cooks in under 15 minutes in one pan.'
          : 'Cook extra at dinner for tomorrow’s first meal.',
      ),
    ];
  },

  grocery_lists: (c) => {
    const ps = proteins(c, 6);
    const fs = fats(c);
    const perWeekGrams = (c.m.protein_grams / 0.25) * 7 * c.servings;
    const amount = imperial(c)
      ? `${Math.round(perWeekGrams / 453.59237)} lb`
      : `${Math.round(perWeekGrams / 100) / 10} kg`;
    return [
      p(`About ${amount} of meat a week for ${c.servings === 1 ? 'you' : `${c.servings} people`}.`),
      h('Week 0 — stock up'),
      list([...fs, 'salt', 'electrolyte powder without sugar']),
      ...[1, 2, 3, 4].flatMap((w) => [
        h(`Week ${w}`),
        list(ps.slice((w - 1) % Math.max(ps.length - 2, 1), ((w - 1) % Math.max(ps.length - 2, 1)) + 3)),
      ]),
    ];
  },

  physician_guide: (c) => {
    const labs = ['Lipid panel with ApoB', 'Comprehensive metabolic panel', 'CRP (inflammation)'];
    if (c.flags.bloodSugar) labs.unshift('HbA1c', 'Fasting insulin', 'Fasting glucose');
    if (c.flags.kidney) labs.push('eGFR and urine albumin');
    if (c.flags.thyroid) labs.push('TSH and free T3');
    if (c.flags.gout) labs.push('Uric acid');
    if (c.flags.cholesterol) labs.push('Coronary artery calcium (CAC) score');
    return [
      h('The two-minute pitch'),
      p(
        `"I'd like to try a low-carbohydrate, high-protein diet for 30 days and measure the results. Can we take baseline labs now and repeat them in three months${c.meds.length ? ', and review my medication doses as we go' : ''}?"`,
      ),
      h('Labs to ask for'),
      list(labs),
      h('If your doctor disagrees'),
      list([
        'Ask which result would change their mind, and agree to measure it.',
        'Propose a time-limited trial with a follow-up appointment.',
      ]),
    ];
  },

  kryptonite: (c) => [
    p(
      `${c.name}, your kryptonite is ${c.challenge === 'time' ? 'time' : c.challenge === 'social' ? 'other people’s plates' : c.challenge === 'cost' ? 'the food bill' : 'staying on track'}. Systems beat motivation:`,
    ),
    list(
      [
        'Decide in advance: write the week’s meals on Sunday.',
        'Remove friction: pre-cooked protein always in the fridge.',
        'Plan the lapse: what you will eat at the next meal after an off-plan one.',
      ],
      true,
    ),
  ],

  dining_out: (c) => [list(diningOutTips(c))],

  science: (c) => [
    p(
      'Protein is the most satiating macronutrient; a higher share of protein reduces spontaneous energy intake in controlled trials.',
    ),
    p(
      'Cutting carbohydrates lowers insulin, which lets stored fat be used as fuel and shifts the body toward ketone production.',
    ),
    ...(c.flags.bloodSugar
      ? [
          p(
            'In type 2 diabetes, carbohydrate restriction lowers HbA1c and medication needs in randomised trials.',
          ),
        ]
      : []),
  ],

  lab_reference: (c) => [
    {
      type: 'table',
      columns: ['Marker', 'Typical target', 'Why it matters'],
      rows: [
        ...(c.flags.bloodSugar
          ? [
              ['HbA1c', 'below 5.7%', 'three-month glucose average'],
              ['Fasting insulin', 'below 10 µIU/mL', 'insulin resistance'],
            ]
          : []),
        ['Triglycerides', 'below 100 mg/dL', 'falls quickly with fewer carbohydrates'],
        ['HDL cholesterol', 'above 50 mg/dL', 'often rises on this diet'],
        ['ApoB', 'discuss with your doctor', 'number of atherogenic particles'],
      ],
    },
  ],

  electrolytes: () => [
    list([
      'Sodium: 4–6 g a day (2–3 teaspoons of salt), more if you sweat.',
      'Potassium: from meat; add a supplement only with your doctor’s agreement.',
      'Magnesium: 300–400 mg glycinate in the evening.',
    ]),
    callout(
      'warning',
      'If you take blood-pressure medication or have kidney disease, agree sodium and potassium with your doctor first.',
    ),
  ],

  adaptation_timeline: (c) => [
    {
      type: 'table',
      columns: ['When', 'What to expect'],
      rows: [
        ['Days 1–3', 'water loss, maybe headaches: salt helps'],
        ['Days 4–14', 'energy dips and recovers; digestion adjusts'],
        ['Weeks 3–4', 'steadier energy, fewer cravings'],
        [
          'Months 2–3',
          c.p.carnivore_experience === 'new'
            ? 'the new normal: most people stop thinking about food between meals'
            : 'fine-tuning portions and training',
        ],
      ],
    },
  ],

  stall_breaker: () => [
    list(
      [
        'Weigh and log everything for three days: portions creep.',
        'Cut added fat before you cut protein.',
        'Look at the waist measurement, not just the scale.',
        'Sleep seven hours or more: poor sleep stalls fat loss.',
      ],
      true,
    ),
  ],

  symptom_tracker: (c) => {
    const symptoms = (c.p.symptoms ?? []).map((s) => label(SYMPTOMS.choices, s));
    const tracked = symptoms.length ? symptoms : ['Energy', 'Sleep quality', 'Cravings'];
    return [
      p('Score each from 0 (none) to 5 (severe) once a week.'),
      {
        type: 'table',
        columns: ['Symptom', 'Day 1', 'Day 7', 'Day 14', 'Day 21', 'Day 30'],
        rows: tracked.map((s) => [s, '', '', '', '', '']),
      },
    ];
  },
};

function diningOutTips(c: Ctx): string[] {
  return [
    'Order the plainest meat dish and ask for it without sauce or sides.',
    'Airports and stations: grilled meat or a bunless burger patty works almost everywhere.',
    'Pack shelf-stable protein for travel days.',
    `Keep to ${c.m.protein_grams} g protein as your only target on travel days.`,
  ];
}
