import type { InputHTMLAttributes, ReactNode } from 'react';
import { ErrorText } from '../../ui/ErrorText';
import type { SettingsForm } from './useSettingsForm';

/** A labelled field with its problem (announced and tied to the control by aria-describedby). */
export function Field(props: {
  id: string;
  label: string;
  problem: string | null;
  hint?: string | undefined;
  children: (describedBy: string | undefined, invalid: boolean) => ReactNode;
}) {
  const describedBy = [props.hint ? `${props.id}-hint` : '', props.problem ? `${props.id}-problem` : '']
    .filter(Boolean)
    .join(' ');
  return (
    <div className="field">
      <label htmlFor={props.id}>{props.label}</label>
      {props.children(describedBy || undefined, !!props.problem)}
      {props.hint && (
        <p className="hint" id={`${props.id}-hint`}>
          {props.hint}
        </p>
      )}
      {props.problem && (
        <p className="error" id={`${props.id}-problem`}>
          {props.problem}
        </p>
      )}
    </div>
  );
}

/** The save button of one form, with what came of the last save. */
export function SaveRow(props: {
  label: string;
  savedText: string;
  form: Pick<SettingsForm<unknown>, 'saving' | 'saved' | 'error'>;
}) {
  return (
    <>
      <div className="actions">
        <button type="submit" disabled={props.form.saving}>
          {props.label}
        </button>
      </div>
      {props.form.saved && <p role="status">{props.savedText}</p>}
      <ErrorText error={props.form.error} />
    </>
  );
}

type InputAttributes = Omit<InputHTMLAttributes<HTMLInputElement>, 'id' | 'value' | 'onChange'>;

/** A Field holding one input whose value is text: its hint and problem describe it. */
export function InputField(props: {
  id: string;
  label: string;
  problem: string | null;
  hint?: string;
  value: string;
  onChange: (value: string) => void;
  input?: InputAttributes;
}) {
  return (
    <Field id={props.id} label={props.label} hint={props.hint} problem={props.problem}>
      {(describedBy, invalid) => (
        <input
          id={props.id}
          {...props.input}
          value={props.value}
          aria-describedby={describedBy}
          aria-invalid={invalid}
          onChange={(e) => props.onChange(e.target.value)}
        />
      )}
    </Field>
  );
}

/** A checkbox with its label, in a field of its own. */
export function CheckField(props: {
  label: string;
  checked: boolean;
  onChange: (checked: boolean) => void;
  disabled?: boolean;
}) {
  return (
    <div className="field">
      <label>
        <input
          type="checkbox"
          checked={props.checked}
          disabled={props.disabled}
          onChange={(e) => props.onChange(e.target.checked)}
        />{' '}
        {props.label}
      </label>
    </div>
  );
}
