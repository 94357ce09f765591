// Connection errors are logged once per outage per reason, however many attempts fail (pure).
import { expect, test } from "bun:test";
import { ErrorNotes } from "./error-notes.ts";

test("errors that alternate are logged once each until clear(), and the last is kept", () => {
  const lines: string[] = [];
  const notes = new ErrorNotes((message) => lines.push(message));
  for (let attempt = 0; attempt < 10; attempt++) notes.note(attempt % 2 ? "reset" : "refused");
  expect(lines).toEqual(["refused", "reset"]);
  expect(notes.last).toBe("reset");
  expect(notes.clear()).toBe(true);
  expect(notes.last).toBe("");
  expect(notes.clear()).toBe(false);
  notes.note("reset");
  expect(lines).toEqual(["refused", "reset", "reset"]);
});

test("an outage with ever new messages logs at most eight lines", () => {
  const lines: string[] = [];
  const notes = new ErrorNotes((message) => lines.push(message));
  for (let attempt = 0; attempt < 100; attempt++) notes.note(`error ${attempt}`);
  expect(lines).toHaveLength(8);
  expect(notes.last).toBe("error 99");
});
