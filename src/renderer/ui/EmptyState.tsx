/** A calm message for a place that has nothing to show yet. */
export function EmptyState(props: { text: string }) {
  return <p className="empty-state">{props.text}</p>;
}
