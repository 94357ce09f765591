// A modal confirmation (a <dialog>): keyboard-usable, names what the action will stop.
import { byId } from "./dom.ts";

/** Shows `text` and resolves true when the person chooses the action named `action`. */
export function confirmAction(text: string, action: string): Promise<boolean> {
  const dialog = byId("confirm-dialog", HTMLDialogElement);
  byId("confirm-text", HTMLParagraphElement).textContent = text;
  byId("confirm-ok", HTMLButtonElement).textContent = action;
  dialog.returnValue = "";
  dialog.showModal();
  return new Promise((resolve) => {
    dialog.addEventListener("close", () => resolve(dialog.returnValue === "ok"), { once: true });
  });
}
