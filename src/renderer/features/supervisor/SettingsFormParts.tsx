import type { ReactNode } from 'react';
import { ErrorText } from '../../ui/ErrorText';
import type { SettingsForm } from './useSettingsForm';

/** A labelled field with its problem (announced and tied to the control by aria-describedby). */
export function Field(props: {
  id: string;
  label: string;
  problem: string | null;
  hint?: string;
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
