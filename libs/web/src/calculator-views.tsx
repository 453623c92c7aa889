import type { Macros, QuestionField, QuestionStep, StepWarning, Tier } from '#libs/calculator';
import { Field, fieldAnchor, type FieldState } from './form-fields.js';
import { Layout } from './layout.js';

export type Units = 'metric' | 'imperial';

const STEP_NAMES = ['About you', 'Activity and goal', 'Your targets', 'Health profile', 'Report'];

/** Where the buyer is: the four steps and the report, the current one marked for assistive tech. */
function Progress(props: { current: number; completed: number }) {
  return (
    <ol class="steps" aria-label="Progress">
      {STEP_NAMES.map((name, i) => {
        const n = i + 1;
        const state = n === props.current ? 'current' : n <= props.completed ? 'done' : '';
        return (
          <li class={state} aria-current={n === props.current ? 'step' : undefined}>
            <span class="visually-hidden">
              {state === 'done' ? 'Done: ' : state === 'current' ? 'Current: ' : ''}
            </span>
            {n <= 4 ? `${n}. ` : ''}
            {name}
          </li>
        );
      })}
    </ol>
  );
}

function ErrorSummary(props: { fields: QuestionField[]; errors: Record<string, string>; message?: string }) {
  const listed = props.fields.filter((f) => props.errors[f.name]);
  if (listed.length === 0 && !props.message) return null;
  return (
    <div class="error-summary" role="alert" aria-labelledby="error-summary-title">
      <h2 id="error-summary-title">There is a problem</h2>
      {props.message ? <p>{props.message}</p> : null}
      <ul>
        {listed.map((f) => (
          <li>
            <a href={`#${fieldAnchor(f)}`}>{props.errors[f.name]}</a>
          </li>
        ))}
      </ul>
    </div>
  );
}

const Csrf = (props: { token: string }) => <input type="hidden" name="_csrf" value={props.token} />;

export function Warnings(props: { warnings: StepWarning[] }) {
  if (props.warnings.length === 0) return null;
  return (
    <div>
      {props.warnings.map((w) => (
        <div class="callout warning">
          <strong>Please note</strong>
          {w.message}
        </div>
      ))}
    </div>
  );
}

export interface StepPageProps {
  step: QuestionStep;
  fields: QuestionField[];
  completed: number;
  values: Record<string, unknown>;
  errors: Record<string, string>;
  csrf: string;
  units?: Units;
  /** The top-of-form problem that belongs to no single field. */
  message?: string;
}

/** One step of the calculator as a plain form (no script; the server validates and answers). */
export function StepPage(p: StepPageProps) {
  const firstError = p.fields.find((f) => p.errors[f.name])?.name;
  const state = (f: QuestionField): FieldState => ({
    value: p.values[f.name],
    error: p.errors[f.name],
    focus: f.name === firstError,
  });
  const hasEmail = p.fields.some((f) => f.name === 'email');
  const title = `Step ${p.step.step} of 4: ${p.step.title}`;
  return (
    <Layout
      title={`${Object.keys(p.errors).length || p.message ? 'Error: ' : ''}${title} — Nutrition calculator`}
    >
      <Progress current={p.step.step} completed={p.completed} />
      <ErrorSummary fields={p.fields} errors={p.errors} message={p.message} />
      <h1>{title}</h1>
      {p.step.step === 1 ? <UnitsSwitch units={p.units ?? 'metric'} /> : null}
      <form method="post" action={`/calculator/steps/${p.step.step}`} novalidate>
        <Csrf token={p.csrf} />
        {p.units ? <input type="hidden" name="units" value={p.units} /> : null}
        {p.step.step === 1 ? (
          <Step1Fields p={p} state={state} />
        ) : (
          p.fields.map((f) => <Field f={f} state={state(f)} />)
        )}
        <div class="actions">
          <button type="submit">{p.step.step === 4 ? 'Continue to your report' : 'Continue'}</button>
          {p.step.step > 1 ? (
            <a href={`/calculator/steps/${p.step.step - 1}`}>Back to step {p.step.step - 1}</a>
          ) : null}
        </div>
        <section class="later" aria-labelledby="later-title">
          <h2 id="later-title">Finish later</h2>
          <p>We can e-mail you a link that opens this step again, with your answers kept.</p>
          {hasEmail ? null : (
            <div class="field">
              <label for="later-email">Your e-mail address</label>
              <input type="email" id="later-email" name="email" autoComplete="email" spellcheck={false} />
            </div>
          )}
          <button type="submit" class="secondary" formAction={`/calculator/steps/${p.step.step}/later`}>
            Save and e-mail me a link
          </button>
        </section>
      </form>
    </Layout>
  );
}

function UnitsSwitch(props: { units: Units }) {
  return props.units === 'metric' ? (
    <p>
      Using centimetres and kilograms.{' '}
      <a href="/calculator/steps/1?units=imperial">Use feet, inches and pounds</a>
    </p>
  ) : (
    <p>
      Using feet, inches and pounds.{' '}
      <a href="/calculator/steps/1?units=metric">Use centimetres and kilograms</a>
    </p>
  );
}

function Step1Fields(props: { p: StepPageProps; state: (f: QuestionField) => FieldState }) {
  const { p, state } = props;
  const by = (name: string) => p.fields.find((f) => f.name === name);
  const ft = by('height_ft');
  const inches = by('height_in');
  const rest = p.fields.filter((f) => f !== ft && f !== inches);
  const fields = rest.map((f) => <Field f={f} state={state(f)} optional={false} />);
  if (!ft || !inches) return <>{fields}</>;
  // feet and inches side by side, after age
  const at = rest.findIndex((f) => f.name === 'age') + 1;
  fields.splice(
    at,
    0,
    <div class="inline-fields">
      <Field f={ft} state={state(ft)} optional={false} />
      <Field f={inches} state={state(inches)} optional={false} />
    </div>,
  );
  return <>{fields}</>;
}

export function TargetsPage(p: { macros: Macros; warnings: StepWarning[]; completed: number }) {
  const m = p.macros;
  return (
    <Layout title="Your daily targets — Nutrition calculator">
      <Progress current={3} completed={p.completed} />
      <h1>Your daily targets</h1>
      <div class="targets">
        <div>
          <strong>{m.calories}</strong> kcal a day
        </div>
        <div>
          <strong>{m.protein_grams} g</strong> protein
        </div>
        <div>
          <strong>{m.fat_grams} g</strong> fat
        </div>
        <div>
          <strong>{m.carbs_grams} g</strong> carbohydrate
        </div>
      </div>
      <p>
        Maintenance is about {m.tdee} kcal a day (resting {m.bmr} kcal,{' '}
        {m.calculation_method === 'katch_mcardle'
          ? 'from your lean mass'
          : 'from height, weight, age and sex'}
        ).
      </p>
      <Warnings warnings={p.warnings} />
      <p>Your report turns these numbers into a plan: one more step about your health and preferences.</p>
      <div class="actions">
        <a class="button" href="/calculator/steps/4">
          Continue to step 4
        </a>
        <a href="/calculator/steps/3">Change body fat</a>
        <a href="/calculator/steps/1">Change your answers</a>
      </div>
    </Layout>
  );
}

export interface TierChoice {
  tier: Tier;
  price: string;
  highlights: string[];
  sections: string[];
}

export function TierPage(p: {
  tiers: TierChoice[];
  chosen?: string;
  error?: string;
  csrf: string;
  warnings: StepWarning[];
}) {
  const errors: Record<string, string> = p.error ? { tier: p.error } : {};
  return (
    <Layout title={`${p.error ? 'Error: ' : ''}Choose your report — Nutrition calculator`}>
      <Progress current={5} completed={4} />
      <ErrorSummary
        fields={[{ name: 'tier', label: 'Report', type: 'enum', required: true }]}
        errors={errors}
      />
      <h1>Choose your report</h1>
      <Warnings warnings={p.warnings} />
      <form method="post" action="/calculator/checkout" novalidate>
        <Csrf token={p.csrf} />
        <fieldset
          class={`field${p.error ? ' invalid' : ''}`}
          aria-describedby={p.error ? 'f-tier-error' : undefined}
        >
          <legend>Report</legend>
          {p.error ? (
            <span class="field-error" id="f-tier-error">
              <span class="visually-hidden">Error: </span>
              {p.error}
            </span>
          ) : null}
          <div class="tiers">
            {p.tiers.map((t, i) => (
              <div class="tier">
                <div class="choice">
                  <input
                    type="radio"
                    id={`f-tier-${i}`}
                    name="tier"
                    value={t.tier.code}
                    checked={p.chosen === t.tier.code}
                    aria-describedby={`f-tier-${i}-details`}
                    autofocus={!!p.error && i === 0}
                  />
                  <label for={`f-tier-${i}`}>
                    <strong>{t.tier.name}</strong> <span class="price">{t.price}</span>
                  </label>
                </div>
                <div id={`f-tier-${i}-details`}>
                  <ul>
                    {t.highlights.map((h) => (
                      <li>{h}</li>
                    ))}
                    <li>
                      {t.sections.length} sections: {t.sections.join(', ')}
                    </li>
                  </ul>
                </div>
              </div>
            ))}
          </div>
        </fieldset>
        <div class="actions">
          <button type="submit">Continue to payment</button>
          <a href="/calculator/steps/4">Back to step 4</a>
        </div>
      </form>
    </Layout>
  );
}
