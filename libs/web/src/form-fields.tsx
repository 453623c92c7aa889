import type { QuestionField } from '#libs/calculator';

/** The state a field is drawn in: its current value (saved, or as just submitted) and its error. */
export interface FieldState {
  value: unknown;
  error?: string;
  /** The first field in error gets the focus when the page opens (no script needed). */
  focus?: boolean;
}

const id = (name: string) => `f-${name}`;
/** Where the error summary links to: the field's control (the first option of a group). */
export const fieldAnchor = (f: QuestionField) =>
  f.type === 'enum' && f.required === true
    ? `${id(f.name)}-0`
    : f.type === 'multi_enum'
      ? `${id(f.name)}-0`
      : id(f.name);

const AUTOCOMPLETE: Record<string, string> = {
  email: 'email',
  first_name: 'given-name',
  last_name: 'family-name',
  sex: 'sex',
};

function labelOf(f: QuestionField): string {
  const unit = f.unit && f.unit !== 'years' && !/\(/.test(f.label) ? ` (${f.unit})` : '';
  return `${f.label}${unit}`;
}

function hintText(f: QuestionField, optional: boolean): string {
  const range =
    f.min !== undefined && f.max !== undefined
      ? `From ${f.min} to ${f.max}${f.unit ? ` ${f.unit}` : ''}.`
      : '';
  const help = f.help ? `${f.help.replace(/\.$/, '')}.` : '';
  return [optional ? 'Optional.' : '', help, range].filter(Boolean).join(' ');
}

/**
 * One question of the calculator as form controls, from its schema entry: radios for a required
 * choice, a select for an optional one, checkboxes for a list, number, e-mail and text inputs.
 * Label, hint and error are tied to the control (for / aria-describedby / aria-invalid).
 */
export function Field(props: { f: QuestionField; state: FieldState; optional?: boolean }) {
  const { f, state } = props;
  const optional = props.optional ?? f.required === false;
  const hint = hintText(
    f.type === 'multi_enum' ? { ...f, help: f.help ?? 'Tick all that apply' } : f,
    optional,
  );
  const hintId = `${id(f.name)}-hint`;
  const errorId = `${id(f.name)}-error`;
  const described = [hint ? hintId : '', state.error ? errorId : ''].filter(Boolean).join(' ');
  const hintEl = hint ? (
    <span class="hint" id={hintId}>
      {hint}
    </span>
  ) : null;
  const invalid = state.error ? true : undefined;
  const error = state.error ? (
    <span class="field-error" id={errorId}>
      <span class="visually-hidden">Error: </span>
      {state.error}
    </span>
  ) : null;
  const cls = `field${state.error ? ' invalid' : ''}`;

  // a required choice is a group of radios; a list, a group of checkboxes
  if ((f.type === 'enum' && f.required === true) || f.type === 'multi_enum') {
    const multiple = f.type === 'multi_enum';
    const chosen = multiple ? (Array.isArray(state.value) ? (state.value as string[]) : []) : [state.value];
    return (
      <fieldset class={cls} aria-describedby={described || undefined}>
        <legend>{f.label}</legend>
        {hintEl}
        {error}
        {f.choices!.map((c, i) => (
          <div class="choice">
            <input
              type={multiple ? 'checkbox' : 'radio'}
              id={`${id(f.name)}-${i}`}
              name={f.name}
              value={c.value}
              checked={chosen.includes(c.value)}
              autofocus={state.focus && i === 0}
            />
            <label for={`${id(f.name)}-${i}`}>{c.label}</label>
          </div>
        ))}
      </fieldset>
    );
  }
  const common = {
    id: id(f.name),
    name: f.name,
    'aria-describedby': described || undefined,
    'aria-invalid': invalid,
    autofocus: state.focus,
  };
  const value = state.value === undefined || state.value === null ? '' : String(state.value);
  let control;
  if (f.type === 'enum') {
    control = (
      <select {...common}>
        <option value="">Not given</option>
        {f.choices!.map((c) => (
          <option value={c.value} selected={value === c.value}>
            {c.label}
          </option>
        ))}
      </select>
    );
  } else if (f.type === 'integer' || f.type === 'number') {
    control = (
      <input
        {...common}
        class="short"
        type="text"
        inputMode={f.type === 'integer' ? 'numeric' : 'decimal'}
        spellcheck={false}
        value={value}
      />
    );
  } else if (f.type === 'text' && (f.max_length ?? 0) > 200) {
    control = (
      <textarea {...common} maxLength={f.max_length} rows={3}>
        {value}
      </textarea>
    );
  } else {
    control = (
      <input
        {...common}
        type={f.type === 'email' ? 'email' : 'text'}
        maxLength={f.max_length}
        autoComplete={AUTOCOMPLETE[f.name]}
        spellcheck={f.type === 'email' ? false : undefined}
        value={value}
      />
    );
  }
  return (
    <div class={cls}>
      <label for={id(f.name)}>{labelOf(f)}</label>
      {hintEl}
      {error}
      {control}
    </div>
  );
}

/** The one problem of a one-field form, above it (linking to the field), as the steps' summary does. */
export function SingleErrorSummary(props: { fieldId: string; error?: string }) {
  if (!props.error) return null;
  return (
    <div class="error-summary" role="alert" aria-labelledby="error-summary-title">
      <h2 id="error-summary-title">There is a problem</h2>
      <ul>
        <li>
          <a href={`#${props.fieldId}`}>{props.error}</a>
        </li>
      </ul>
    </div>
  );
}

/** An e-mail address field with its hint and error tied to it (the forms outside the steps). */
export function EmailField(props: { id: string; value?: string; error?: string; hint?: string }) {
  const { id: fieldId, error, hint } = props;
  const described = [hint ? `${fieldId}-hint` : '', error ? `${fieldId}-error` : '']
    .filter(Boolean)
    .join(' ');
  return (
    <div class={`field${error ? ' invalid' : ''}`}>
      <label for={fieldId}>Your e-mail address</label>
      {hint ? (
        <span class="hint" id={`${fieldId}-hint`}>
          {hint}
        </span>
      ) : null}
      {error ? (
        <span class="field-error" id={`${fieldId}-error`}>
          <span class="visually-hidden">Error: </span>
          {error}
        </span>
      ) : null}
      <input
        type="email"
        id={fieldId}
        name="email"
        autoComplete="email"
        spellcheck={false}
        value={props.value ?? ''}
        aria-describedby={described || undefined}
        aria-invalid={error ? true : undefined}
        autofocus={!!error}
      />
    </div>
  );
}
