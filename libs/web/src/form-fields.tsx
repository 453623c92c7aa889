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

  if (f.type === 'enum' && f.required === true) {
    return (
      <fieldset class={cls} aria-describedby={described || undefined}>
        <legend>{f.label}</legend>
        {hintEl}
        {error}
        {f.choices!.map((c, i) => (
          <div class="choice">
            <input
              type="radio"
              id={`${id(f.name)}-${i}`}
              name={f.name}
              value={c.value}
              checked={state.value === c.value}
              autofocus={state.focus && i === 0}
            />
            <label for={`${id(f.name)}-${i}`}>{c.label}</label>
          </div>
        ))}
      </fieldset>
    );
  }
  if (f.type === 'multi_enum') {
    const chosen = Array.isArray(state.value) ? (state.value as string[]) : [];
    return (
      <fieldset class={cls} aria-describedby={described || undefined}>
        <legend>{f.label}</legend>
        {hintEl}
        {error}
        {f.choices!.map((c, i) => (
          <div class="choice">
            <input
              type="checkbox"
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
