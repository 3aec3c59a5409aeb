/** An error sentence announced to screen readers; renders nothing when there is no error. */
export function ErrorText(props: { error: string | null | undefined }) {
  if (!props.error) return null;
  return (
    <p role="alert" className="error">
      {props.error}
    </p>
  );
}
