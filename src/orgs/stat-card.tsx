/** A count with its label, as the dashboards show them (a link when there is a page behind it). */
export function StatCard(p: { label: string; value: number; href?: string }) {
  return (
    <div class="card" style="margin-bottom:0">
      <div class="stat">{p.value}</div>
      <div class="muted">{p.href ? <a href={p.href}>{p.label}</a> : p.label}</div>
    </div>
  );
}
