// chart.js - small bar charts as inline SVG, built with the DOM (no
// library, nothing inline for the CSP to refuse): bars(rows, opts) with
// one or two series, horizontal, labels on the left and values at the end.
const NS = "http://www.w3.org/2000/svg";

function s(tag, attrs = {}, text) {
  const e = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

// rows: [{label, a, b}]; fmtA/fmtB format the values; title for screen readers
export function bars(rows, { title, fmtA = String, fmtB = String, two = false } = {}) {
  const rowH = two ? 30 : 20, left = 120, width = 520, right = 110;
  const h = rows.length * rowH + 10;
  const maxA = Math.max(1, ...rows.map((r) => r.a || 0));
  const maxB = Math.max(1, ...rows.map((r) => r.b || 0));
  const svg = s("svg", { viewBox: `0 0 ${width} ${h}`, role: "img", "aria-label": title });
  svg.append(s("title", {}, title));
  const span = width - left - right;
  rows.forEach((r, i) => {
    const y = 5 + i * rowH;
    svg.append(s("text", { x: left - 6, y: y + (two ? 14 : 12), "text-anchor": "end" }, r.label));
    const wa = Math.round(((r.a || 0) / maxA) * span);
    svg.append(s("rect", { class: "b1", x: left, y, width: Math.max(wa, 1), height: two ? 12 : 14 }));
    svg.append(s("text", { x: left + wa + 4, y: y + 11 }, fmtA(r.a || 0)));
    if (two) {
      const wb = Math.round(((r.b || 0) / maxB) * span);
      svg.append(s("rect", { class: "b2", x: left, y: y + 13, width: Math.max(wb, 1), height: 12 }));
      svg.append(s("text", { x: left + wb + 4, y: y + 24 }, fmtB(r.b || 0)));
    }
  });
  svg.append(s("line", { class: "axis", x1: left, y1: 0, x2: left, y2: h }));
  return svg;
}
