import * as Dialog from '@radix-ui/react-dialog';
import { X } from 'lucide-react';
import type { ReactNode } from 'react';
import './formDialog.css';

/**
 * A modal dialog holding a form at a readable width (Radix: focus kept inside, Escape closes, focus
 * back where it was). A click outside does not close it, so a half-written form is not lost by a
 * stray click; Escape and the close button do. No Radix overlay: its scroll lock injects a
 * <style> the CSP refuses, so the backdrop is ours (as the command palette's).
 */
export function FormDialog(props: {
  open: boolean;
  title: string;
  /** The close button's accessible name. */
  closeLabel: string;
  onClose: () => void;
  id?: string;
  children: ReactNode;
}) {
  return (
    <Dialog.Root open={props.open} onOpenChange={(open) => !open && props.onClose()}>
      <Dialog.Portal>
        {props.open && <div className="dialog-backdrop" aria-hidden="true" />}
        <Dialog.Content
          id={props.id}
          className="form-dialog"
          aria-describedby={undefined}
          onPointerDownOutside={(e) => e.preventDefault()}
        >
          <div className="form-dialog-head">
            <Dialog.Title className="form-dialog-title">{props.title}</Dialog.Title>
            <Dialog.Close asChild>
              <button
                type="button"
                className="icon-button"
                aria-label={props.closeLabel}
                title={props.closeLabel}
              >
                <X size={16} aria-hidden="true" />
              </button>
            </Dialog.Close>
          </div>
          <div className="form-dialog-body">{props.children}</div>
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}
