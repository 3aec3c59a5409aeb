import { forwardRef } from 'react';

/** The heading of a view; focusable so keyboard users land on it when the view changes. */
export const ViewHeader = forwardRef<HTMLHeadingElement, { title: string }>(function ViewHeader(props, ref) {
  return (
    <h1 className="view-title" tabIndex={-1} ref={ref}>
      {props.title}
    </h1>
  );
});
