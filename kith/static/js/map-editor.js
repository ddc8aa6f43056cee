// The map editor: progressive enhancement of the map page's forms (maps/_editor.html).
//
// - Drag a member to another circle (pointer events); the move is saved with the map version.
// - Click a member to select it, then another to tie or untie the two.
// - Keyboard: one tab stop in the drawing; ←/→ previous/next member, ↑/↓ closer/further out,
//   1/2/3/0 put in a circle, Space/Enter as a click, T tie/untie with the selected member,
//   Esc clears the selection, A jumps to the quick-add box.
// - Quick add and the "apply my change again" form of a conflict are sent without a reload.
// Every change is one form POST to the same endpoints the page's plain forms use; the server
// answers with the editor fragment, which replaces the old one (nothing is computed here).

import {
  circleAt,
  enhance,
  labelOf,
  markDropTarget,
  markSelected,
  memberByKey,
  membersOf,
  svgPoint,
  tied,
} from "./map-drawing.js";
import { EditorError, sendForm } from "./map-server.js";

const DRAG_THRESHOLD = 4; // drawing units before a press becomes a drag
const CIRCLE_NAMES = { 1: "circle 1 (closest)", 2: "circle 2 (middle)", 3: "circle 3 (outer)" };

class MapEditor {
  constructor(root) {
    this.root = root;
    this.status = document.getElementById("editor-status");
    this.urls = { move: root.dataset.moveUrl, tie: root.dataset.tieUrl, quick: root.dataset.quickUrl };
    this.currentKey = null; // the member the toolbar and keys act on
    this.selectedKey = null; // the first member of a tie
    this.queue = Promise.resolve();
    this.drag = null;
    root.addEventListener("submit", (event) => this.onSubmit(event));
    root.addEventListener("click", (event) => this.onToolbar(event));
    root.addEventListener("keydown", (event) => this.onKey(event));
    root.addEventListener("pointerdown", (event) => this.onPointerDown(event));
    root.addEventListener("focusin", (event) => this.onFocus(event));
    this.setUp();
  }

  get svg() {
    return this.root.querySelector("#map-drawing[data-editable] svg");
  }

  get version() {
    return this.root.querySelector(".kith-editor").dataset.version;
  }

  // --- after each render ------------------------------------------------------------------

  setUp() {
    for (const el of this.root.querySelectorAll("#editor-toolbar, .kith-js-only")) el.hidden = false;
    const svg = this.svg;
    if (svg) {
      const members = enhance(svg, { currentKey: this.currentKey, selectedKey: this.selectedKey });
      if (!members.some((g) => g.dataset.key === this.selectedKey)) this.selectedKey = null;
      if (!members.some((g) => g.dataset.key === this.currentKey)) this.currentKey = null;
    }
    this.updateToolbar();
  }

  updateToolbar() {
    const current = memberByKey(this.svg, this.currentKey);
    const selected = memberByKey(this.svg, this.selectedKey);
    const info = this.root.querySelector("#editor-current");
    for (const button of this.root.querySelectorAll("[data-editor-command]")) {
      const command = button.dataset.editorCommand;
      button.disabled = current === null || (command === "tie" && (selected === null || selected === current));
      button.setAttribute("aria-describedby", "editor-current");
      if (command === "select") button.setAttribute("aria-pressed", String(current !== null && current === selected));
    }
    if (info) {
      info.removeAttribute("aria-hidden");
      info.textContent = current
        ? `Member: ${labelOf(current)}${selected ? `. Selected: ${labelOf(selected)}` : ""}`
        : "Click or Tab to a member in the drawing.";
    }
  }

  announce(text) {
    if (!this.status || !text) return;
    this.status.textContent = "";
    // A fresh text node after a tick, so the same words are announced again.
    window.setTimeout(() => {
      this.status.textContent = text;
    }, 50);
  }

  /** Which control had focus, so it can have it again in the new fragment. */
  focusMemo() {
    const active = document.activeElement;
    if (!active || !this.root.contains(active)) return null;
    if (active.matches("g.kith-member")) return { member: active.dataset.key };
    if (active.dataset.editorCommand) return { command: active.dataset.editorCommand };
    if (active.id) return { id: active.id };
    return null;
  }

  restoreFocus(memo) {
    let target = null;
    if (memo?.member) target = memberByKey(this.svg, memo.member);
    else if (memo?.command) {
      target = this.root.querySelector(`[data-editor-command="${memo.command}"]`);
      if (target?.disabled) target = memberByKey(this.svg, this.currentKey);
    } else if (memo?.id) target = document.getElementById(memo.id);
    target?.focus({ preventScroll: memo?.member !== undefined });
  }

  // --- sending ----------------------------------------------------------------------------

  /** Run `task` after the changes already on their way (each reads the version when it runs). */
  enqueue(task) {
    this.queue = this.queue.then(task).catch((error) => this.fail(error));
    return this.queue;
  }

  async send(url, fields, { memo = this.focusMemo(), onError } = {}) {
    const data = fields instanceof FormData ? fields : new FormData();
    if (!(fields instanceof FormData)) {
      for (const [name, value] of Object.entries(fields)) data.set(name, value ?? "");
      data.set("version", this.version);
    }
    if (!data.has("csrfmiddlewaretoken")) {
      data.set("csrfmiddlewaretoken", this.root.querySelector("input[name=csrfmiddlewaretoken]")?.value ?? "");
    }
    this.root.setAttribute("aria-busy", "true");
    let result;
    try {
      result = await sendForm(url, data);
    } catch (error) {
      onError?.();
      throw error;
    } finally {
      this.root.removeAttribute("aria-busy");
    }
    this.root.replaceChildren(result.fragment);
    this.setUp();
    const conflict = this.root.querySelector("#editor-conflict");
    const problem = this.root.querySelector("#editor-error");
    if (conflict) {
      conflict.focus();
    } else if (problem && memo?.id === "quick_text") {
      this.root.querySelector("#quick_text")?.focus();
    } else if (problem) {
      problem.focus();
    } else {
      this.restoreFocus(memo);
    }
    this.announce(result.fragment.dataset.announce);
    return result;
  }

  fail(error) {
    const text = error instanceof EditorError ? error.message : `Not saved: ${error}`;
    this.announce(text);
    if (this.status) this.status.classList.add("kith-editor-status--error");
    window.setTimeout(() => this.status?.classList.remove("kith-editor-status--error"), 8000);
    if (!(error instanceof EditorError)) console.error(error);
  }

  move(key, circle, { onError } = {}) {
    return this.enqueue(() =>
      this.send(this.urls.move, { key, circle: circle ?? "" }, { onError, memo: this.focusMemo() ?? { member: key } }),
    );
  }

  /** Move the member one circle in (-1) or out (+1), read when the change is sent. */
  step(key, direction) {
    return this.enqueue(() => {
      const g = memberByKey(this.svg, key);
      if (!g) return null;
      const now = g.dataset.circle ? Number(g.dataset.circle) : 4;
      const next = now + direction;
      if (next < 1) return this.announce(`${labelOf(g)} is already in the closest circle.`);
      if (next > 3) return this.announce(`${labelOf(g)} is already in the outer circle.`);
      return this.send(this.urls.move, { key, circle: next }, { memo: this.focusMemo() ?? { member: key } });
    });
  }

  /** A click (or Space/Enter) on a member: select it, unselect it, or tie/untie it with the selected one. */
  press(key) {
    const svg = this.svg;
    const g = memberByKey(svg, key);
    this.currentKey = key;
    if (this.selectedKey === null) {
      this.select(key);
      this.announce(
        `${labelOf(g)} selected. Now click, or press T or Space on, another member to tie or untie them; Escape clears the selection.`,
      );
    } else if (this.selectedKey === key) {
      this.select(null);
      this.announce(`${labelOf(g)} is no longer selected.`);
    } else {
      this.tieWithSelected(key);
    }
    this.updateToolbar();
  }

  select(key) {
    const svg = this.svg;
    const previous = memberByKey(svg, this.selectedKey);
    if (previous) markSelected(previous, false);
    this.selectedKey = key;
    const g = memberByKey(svg, key);
    if (g) markSelected(g, true);
    this.updateToolbar();
  }

  tieWithSelected(key) {
    const svg = this.svg;
    const first = this.selectedKey;
    if (first === null) {
      this.announce("Select a member first (Space or a click), then press T on another one.");
      return;
    }
    if (first === key) {
      this.announce("Choose a different member to tie with the selected one.");
      return;
    }
    const want = tied(svg, first, key) ? "untie" : "tie";
    this.select(null);
    this.enqueue(() => this.send(this.urls.tie, { a: first, b: key, want }, { memo: this.focusMemo() ?? { member: key } }));
  }

  // --- events -----------------------------------------------------------------------------

  onSubmit(event) {
    const form = event.target.closest("form[data-editor-form]");
    if (!form) return;
    event.preventDefault();
    const data = new FormData(form);
    const memo = form.id === "quick-add" ? { id: "quick_text" } : this.focusMemo();
    this.enqueue(() => this.send(form.action, data, { memo }));
  }

  onFocus(event) {
    const g = event.target.closest?.("g.kith-member");
    if (!g) return;
    for (const other of this.svg.querySelectorAll("g.kith-member")) {
      other.setAttribute("tabindex", other === g ? "0" : "-1");
    }
    this.currentKey = g.dataset.key;
    this.updateToolbar();
  }

  onToolbar(event) {
    const button = event.target.closest("[data-editor-command]");
    if (!button || button.disabled || this.currentKey === null) return;
    const key = this.currentKey;
    const command = button.dataset.editorCommand;
    if (command === "in") this.step(key, -1);
    else if (command === "out") this.step(key, +1);
    else if (command === "select") {
      const g = memberByKey(this.svg, key);
      if (this.selectedKey === key) {
        this.select(null);
        this.announce(`${labelOf(g)} is no longer selected.`);
      } else {
        this.select(key);
        this.announce(`${labelOf(g)} selected. Now choose another member and press T to tie or untie them.`);
      }
    }
    else if (command === "tie") this.tieWithSelected(key);
  }

  onKey(event) {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    const g = event.target.closest?.("g.kith-member");
    if (!g) return;
    const key = g.dataset.key;
    const members = membersOf(this.svg);
    const index = members.indexOf(g);
    const focus = (i) => members[(i + members.length) % members.length].focus();
    const handled = {
      ArrowRight: () => focus(index + 1),
      ArrowLeft: () => focus(index - 1),
      Home: () => focus(0),
      End: () => focus(members.length - 1),
      ArrowUp: () => this.step(key, -1),
      ArrowDown: () => this.step(key, +1),
      1: () => this.move(key, 1),
      2: () => this.move(key, 2),
      3: () => this.move(key, 3),
      0: () => this.move(key, null),
      " ": () => this.press(key),
      Enter: () => this.press(key),
      t: () => this.tieWithSelected(key),
      T: () => this.tieWithSelected(key),
      Escape: () => {
        if (this.selectedKey !== null) this.announce("Selection cleared.");
        this.select(null);
      },
      a: () => this.root.querySelector("#quick_text")?.focus(),
      A: () => this.root.querySelector("#quick_text")?.focus(),
    }[event.key];
    if (handled) {
      event.preventDefault();
      handled();
    }
  }

  onPointerDown(event) {
    const g = event.target.closest?.("g.kith-member");
    const svg = this.svg;
    if (!g || !svg || event.button !== 0) return;
    const start = svgPoint(svg, event);
    this.drag = { g, key: g.dataset.key, start, moved: false, id: event.pointerId };
    g.setPointerCapture(event.pointerId);
    const move = (e) => this.onPointerMove(e);
    const up = (e) => {
      g.removeEventListener("pointermove", move);
      g.removeEventListener("pointerup", up);
      g.removeEventListener("pointercancel", up);
      this.onPointerUp(e);
    };
    g.addEventListener("pointermove", move);
    g.addEventListener("pointerup", up);
    g.addEventListener("pointercancel", up);
  }

  onPointerMove(event) {
    const drag = this.drag;
    if (!drag || event.pointerId !== drag.id) return;
    const svg = this.svg;
    const point = svgPoint(svg, event);
    const dx = point.x - drag.start.x;
    const dy = point.y - drag.start.y;
    if (!drag.moved && Math.hypot(dx, dy) < DRAG_THRESHOLD) return;
    drag.moved = true;
    drag.g.classList.add("is-dragging");
    drag.g.setAttribute("transform", `translate(${dx} ${dy})`);
    markDropTarget(svg, circleAt(svg, point));
  }

  onPointerUp(event) {
    const drag = this.drag;
    this.drag = null;
    if (!drag) return;
    const svg = this.svg;
    markDropTarget(svg, undefined);
    const reset = () => {
      drag.g.removeAttribute("transform");
      drag.g.classList.remove("is-dragging");
    };
    if (!drag.moved) {
      reset();
      if (event.type === "pointerup") this.press(drag.key);
      return;
    }
    const circle = event.type === "pointerup" ? circleAt(svg, svgPoint(svg, event)) : undefined;
    const now = drag.g.dataset.circle ? Number(drag.g.dataset.circle) : null;
    if (circle === undefined || circle === now) {
      reset();
      if (circle === undefined) this.announce(`${labelOf(drag.g)} was not moved: drop it inside a circle.`);
      return;
    }
    this.currentKey = drag.key;
    this.announce(`Moving ${labelOf(drag.g)} to ${CIRCLE_NAMES[circle] ?? "not placed yet"}…`);
    this.move(drag.key, circle, { onError: reset });
  }
}

const root = document.getElementById("map-editor");
if (root?.dataset.moveUrl) {
  new MapEditor(root);
}
