/** The heading of a view; focusable so keyboard users land on it when the view changes. */
export function ViewHeader(props: { title: string }) {
  return (
    <h1 className="view-title" tabIndex={-1}>
      {props.title}
    </h1>
  );
}
