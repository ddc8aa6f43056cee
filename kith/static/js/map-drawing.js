// The drawing of a map (SVG from kith.network.drawing) made operable: members become
// focusable toggle buttons with one tab stop (roving tabindex), rings are read to know which
// circle a point falls in, and rings mark the focused, selected and drop-target states.

const SVG_NS = "http://www.w3.org/2000/svg";

/** Members of the drawing in reading order: circle 1 outwards, clockwise from 12 o'clock. */
export function membersOf(svg) {
  const centre = centreOf(svg);
  const ringOrder = (g) => (g.dataset.circle ? Number(g.dataset.circle) : 4);
  const angle = (g) => {
    const [x, y] = nodeCentre(g);
    return (Math.atan2(x - centre.x, centre.y - y) * 180) / Math.PI + 360;
  };
  return [...svg.querySelectorAll("g.kith-member")]
    .map((g) => ({ g, ring: ringOrder(g), angle: angle(g) % 360 }))
    .sort((a, b) => a.ring - b.ring || a.angle - b.angle)
    .map((item) => item.g);
}

export function centreOf(svg) {
  const ego = svg.querySelector(".kith-ego circle");
  return {
    x: Number(ego?.getAttribute("cx") ?? 500),
    y: Number(ego?.getAttribute("cy") ?? 500),
    r: Number(ego?.getAttribute("r") ?? 40),
  };
}

/** Centre of a member's shape, in the drawing's own units. */
export function nodeCentre(g) {
  const shape = g.querySelector("circle, rect, polygon");
  const box = shape.getBBox();
  return [box.x + box.width / 2, box.y + box.height / 2];
}

/** Outer radius of each ring: [{circle: 1|2|3|null, r, el}] from the centre outwards. */
export function ringsOf(svg) {
  const rings = [...svg.querySelectorAll(".kith-rings circle")]
    .map((el) => ({ el, r: Number(el.getAttribute("r")), band: el.hasAttribute("stroke-dasharray") }))
    .sort((a, b) => a.r - b.r);
  let next = 1;
  return rings.map((ring) => ({ ...ring, circle: ring.band ? null : next++ }));
}

/**
 * The circle a point of the drawing falls in: 1, 2 or 3, null for the "not placed yet" band,
 * undefined outside every ring.
 */
export function circleAt(svg, point) {
  const centre = centreOf(svg);
  const distance = Math.hypot(point.x - centre.x, point.y - centre.y);
  const ring = ringsOf(svg).find((r) => distance <= r.r);
  return ring === undefined ? undefined : ring.circle;
}

/** A pointer event's position in the drawing's units. */
export function svgPoint(svg, event) {
  const point = svg.createSVGPoint();
  point.x = event.clientX;
  point.y = event.clientY;
  return point.matrixTransform(svg.getScreenCTM().inverse());
}

function ring(g, className, radius, attrs) {
  const [cx, cy] = nodeCentre(g);
  const el = document.createElementNS(SVG_NS, "circle");
  el.setAttribute("class", className);
  el.setAttribute("cx", cx);
  el.setAttribute("cy", cy);
  el.setAttribute("r", radius);
  el.setAttribute("fill", "none");
  el.setAttribute("pointer-events", "none");
  for (const [name, value] of Object.entries(attrs)) el.setAttribute(name, value);
  return el;
}

/** Make every member a focusable toggle button named by its title. */
export function enhance(svg, { currentKey, selectedKey }) {
  svg.setAttribute("role", "group");
  svg.classList.add("kith-editable");
  const members = membersOf(svg);
  const current = members.find((g) => g.dataset.key === currentKey) ?? members[0];
  for (const g of members) {
    const title = g.querySelector("title")?.textContent ?? g.dataset.key;
    g.setAttribute("role", "button");
    g.setAttribute("aria-label", title);
    g.setAttribute("tabindex", g === current ? "0" : "-1");
    // The focus ring (shown by CSS on :focus-visible): yellow with a black inner line.
    g.append(
      ring(g, "kith-focus", 22, { stroke: "#ffdd00", "stroke-width": "7" }),
      ring(g, "kith-focus", 18, { stroke: "#0b0c0c", "stroke-width": "3" }),
    );
    markSelected(g, g.dataset.key === selectedKey);
  }
  return members;
}

export function markSelected(g, selected) {
  g.setAttribute("aria-pressed", selected ? "true" : "false");
  g.classList.toggle("is-selected", selected);
  g.querySelector(".kith-selected")?.remove();
  if (selected) {
    g.insertBefore(
      ring(g, "kith-selected", 20, {
        stroke: "#0b0c0c",
        "stroke-width": "4",
        "stroke-dasharray": "6 3",
      }),
      g.querySelector("title").nextSibling,
    );
  }
}

export function memberByKey(svg, key) {
  if (!svg || key == null) return null;
  return svg.querySelector(`g.kith-member[data-key="${CSS.escape(key)}"]`);
}

export function labelOf(g) {
  return g.querySelector("title")?.textContent.split(" — ")[0] ?? g.dataset.key;
}

export function tied(svg, a, b) {
  const line = (x, y) => `.kith-ties line[data-a="${CSS.escape(x)}"][data-b="${CSS.escape(y)}"]`;
  return svg.querySelector(`${line(a, b)}, ${line(b, a)}`) !== null;
}

/** Show the ring a dragged member would land in (or none). */
export function markDropTarget(svg, circle) {
  for (const r of ringsOf(svg)) {
    const on = circle !== undefined && r.circle === circle;
    r.el.classList.toggle("kith-drop-target", on);
  }
}
