/** One line of the chart: points in (seconds, MiB). */
export interface ChartSeries {
  label: string;
  color: string;
  points: readonly { x: number; y: number }[];
  /** Thin dashed line (a secondary measure of the same run). */
  dashed?: boolean;
  /** Marks the last point with a cross and this note (e.g. "stopped at the safety limit"). */
  endNote?: string;
}

export interface ChartOptions {
  title: string;
  subtitle?: string;
  series: readonly ChartSeries[];
  /** Horizontal reference lines (e.g. the safety limit, the 512 MiB goal), in MiB. */
  hlines?: readonly { y: number; label: string; color: string; dashed?: boolean }[];
  xLabel: string;
  yLabel: string;
  width?: number;
  height?: number;
}

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** A "nice" tick step (1, 2 or 5 × 10^k) giving about `target` ticks over `span`. */
function niceStep(span: number, target: number): number {
  const raw = span / target;
  const mag = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 5, 10]) if (m * mag >= raw) return m * mag;
  return 10 * mag;
}

/**
 * Hand-written SVG line chart (no dependency, readable diff in git, renders on GitHub): axes with
 * ticks and labels, one polyline per series, dashed reference lines, a legend.
 */
export function lineChartSvg(o: ChartOptions): string {
  const W = o.width ?? 900;
  const H = o.height ?? 460;
  const m = { left: 78, right: 24, top: o.subtitle ? 66 : 48, bottom: 58 };
  const pw = W - m.left - m.right;
  const ph = H - m.top - m.bottom;
  const xMax = Math.max(1, ...o.series.flatMap((s) => s.points.map((p) => p.x)));
  const yMaxData = Math.max(
    1,
    ...o.series.flatMap((s) => s.points.map((p) => p.y)),
    ...(o.hlines ?? []).map((h) => h.y),
  );
  const xStep = niceStep(xMax, 8);
  const yStep = niceStep(yMaxData * 1.05, 6);
  const xEnd = Math.ceil(xMax / xStep) * xStep;
  const yEnd = Math.ceil((yMaxData * 1.05) / yStep) * yStep;
  const X = (x: number) => m.left + (x / xEnd) * pw;
  const Y = (y: number) => m.top + ph - (y / yEnd) * ph;
  const f = (n: number) => n.toFixed(1);
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="system-ui, -apple-system, Segoe UI, Helvetica, Arial, sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="#ffffff"/>`,
    `<text x="${W / 2}" y="24" text-anchor="middle" font-size="16" font-weight="600">${esc(o.title)}</text>`,
  );
  if (o.subtitle) out.push(`<text x="${W / 2}" y="44" text-anchor="middle" fill="#555">${esc(o.subtitle)}</text>`);
  // Grid and ticks.
  for (let y = 0; y <= yEnd + 1e-9; y += yStep) {
    out.push(
      `<line x1="${m.left}" x2="${m.left + pw}" y1="${f(Y(y))}" y2="${f(Y(y))}" stroke="#e6e6e6"/>`,
      `<text x="${m.left - 8}" y="${f(Y(y) + 4)}" text-anchor="end" fill="#333">${y >= 1024 && y % 1024 === 0 ? `${y / 1024} GiB` : `${Math.round(y)}`}</text>`,
    );
  }
  for (let x = 0; x <= xEnd + 1e-9; x += xStep) {
    out.push(
      `<line x1="${f(X(x))}" x2="${f(X(x))}" y1="${m.top}" y2="${m.top + ph}" stroke="#f0f0f0"/>`,
      `<text x="${f(X(x))}" y="${m.top + ph + 18}" text-anchor="middle" fill="#333">${Math.round(x * 10) / 10}</text>`,
    );
  }
  out.push(
    `<line x1="${m.left}" x2="${m.left}" y1="${m.top}" y2="${m.top + ph}" stroke="#333"/>`,
    `<line x1="${m.left}" x2="${m.left + pw}" y1="${m.top + ph}" y2="${m.top + ph}" stroke="#333"/>`,
    `<text x="${m.left + pw / 2}" y="${H - 14}" text-anchor="middle" fill="#333">${esc(o.xLabel)}</text>`,
    `<text transform="translate(18 ${m.top + ph / 2}) rotate(-90)" text-anchor="middle" fill="#333">${esc(o.yLabel)}</text>`,
  );
  for (const h of o.hlines ?? []) {
    out.push(
      `<line x1="${m.left}" x2="${m.left + pw}" y1="${f(Y(h.y))}" y2="${f(Y(h.y))}" stroke="${h.color}" stroke-width="1.5"${h.dashed === false ? "" : ` stroke-dasharray="6 4"`}/>`,
      `<text x="${m.left + pw - 4}" y="${f(Y(h.y) - 5)}" text-anchor="end" fill="${h.color}">${esc(h.label)}</text>`,
    );
  }
  for (const s of o.series) {
    if (s.points.length === 0) continue;
    const pts = s.points.map((p) => `${f(X(p.x))},${f(Y(p.y))}`).join(" ");
    const style = s.dashed ? `stroke-width="1.2" stroke-dasharray="4 3"` : `stroke-width="2"`;
    out.push(`<polyline fill="none" stroke="${s.color}" ${style} stroke-linejoin="round" points="${pts}"/>`);
    if (s.endNote) {
      const last = s.points[s.points.length - 1] as { x: number; y: number };
      const cx = X(last.x);
      const cy = Y(last.y);
      out.push(
        `<path d="M${f(cx - 6)} ${f(cy - 6)} L${f(cx + 6)} ${f(cy + 6)} M${f(cx - 6)} ${f(cy + 6)} L${f(cx + 6)} ${f(cy - 6)}" stroke="${s.color}" stroke-width="2.5"/>`,
        `<text x="${f(Math.min(cx + 10, m.left + pw - 4))}" y="${f(Math.max(cy + 18, m.top + 14))}" text-anchor="${cx + 10 > m.left + pw * 0.7 ? "end" : "start"}" fill="${s.color}">${esc(s.endNote)}</text>`,
      );
    }
  }
  // Legend, top-left inside the plot.
  o.series.forEach((s, i) => {
    const ly = m.top + 14 + i * 18;
    out.push(
      `<line x1="${m.left + 12}" x2="${m.left + 36}" y1="${ly - 4}" y2="${ly - 4}" stroke="${s.color}" ${s.dashed ? `stroke-width="1.5" stroke-dasharray="4 3"` : `stroke-width="3"`}/>`,
      `<text x="${m.left + 42}" y="${ly}" fill="#222">${esc(s.label)}</text>`,
    );
  });
  out.push("</svg>");
  return `${out.join("\n")}\n`;
}
