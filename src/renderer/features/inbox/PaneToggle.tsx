import type { LucideIcon } from 'lucide-react';

/** An icon button that hides or shows a pane; its name says which, and aria-expanded the state. */
export function PaneToggle(props: {
  expanded: boolean;
  controls: string;
  label: string;
  icon: LucideIcon;
  onToggle: () => void;
}) {
  const Icon = props.icon;
  return (
    <button
      type="button"
      className="icon-button pane-toggle"
      aria-expanded={props.expanded}
      aria-controls={props.controls}
      aria-label={props.label}
      title={props.label}
      onClick={props.onToggle}
    >
      <Icon size={16} aria-hidden="true" />
    </button>
  );
}
